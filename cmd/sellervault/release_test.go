package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"
)

// releaseTargets are the platforms scripts/release.sh builds for.
var releaseTargets = []struct{ os, arch string }{
	{"windows", "amd64"}, {"windows", "arm64"},
	{"darwin", "amd64"}, {"darwin", "arm64"},
	{"linux", "amd64"}, {"linux", "arm64"},
}

// Size bounds of a release binary: the stripped CLI is some 15 MB; one
// that linked Vault's core would be many times larger.
const (
	minReleaseSize = 4 << 20
	maxReleaseSize = 60 << 20
)

// TestReleaseBuilds runs scripts/release.sh as a manager would and checks
// what it made: the six binaries under their names, SHA256SUMS naming
// exactly them with their digests, the version stamped in, and build info
// that shows a static, trimmed build of the CLI without Vault's core. It is
// what "CI builds all of them" means: `go test ./...` runs it.
func TestReleaseBuilds(t *testing.T) {
	if testing.Short() {
		t.Skip("cross-builds sellervault for six platforms")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	const version = "test-1.2.3"
	out := filepath.Join(t.TempDir(), "out")

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", filepath.Join(root, "scripts", "release.sh"), version, out)
	cmd.Dir = root
	start := time.Now()
	output, err := cmd.CombinedOutput()
	t.Logf("scripts/release.sh %s (%s):\n%s", version, time.Since(start).Round(time.Second), output)
	if err != nil {
		t.Fatalf("scripts/release.sh: %v", err)
	}

	// The binaries, and nothing else but SHA256SUMS.
	want := map[string]struct{ os, arch string }{}
	for _, tg := range releaseTargets {
		name := "sellervault_" + version + "_" + tg.os + "_" + tg.arch
		if tg.os == "windows" {
			name += ".exe"
		}
		want[name] = tg
	}
	entries, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		if e.Name() == "SHA256SUMS" {
			continue
		}
		got = append(got, e.Name())
		if _, ok := want[e.Name()]; !ok {
			t.Errorf("unexpected file in the output: %s", e.Name())
		}
	}
	for name := range want {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Errorf("missing binary: %v", err)
		}
	}
	if t.Failed() {
		t.Fatalf("the output holds %v", got)
	}

	// SHA256SUMS: one "DIGEST  NAME" line for each binary, digests right.
	sums, err := os.Open(filepath.Join(out, "SHA256SUMS"))
	if err != nil {
		t.Fatal(err)
	}
	defer sums.Close()
	listed := map[string]bool{}
	sc := bufio.NewScanner(sums)
	for sc.Scan() {
		digest, name, ok := strings.Cut(sc.Text(), "  ")
		if !ok || len(digest) != 64 {
			t.Errorf("SHA256SUMS: line %q is not in sha256sum's format", sc.Text())
			continue
		}
		if _, ok := want[name]; !ok {
			t.Errorf("SHA256SUMS lists %q, which is not a release binary", name)
			continue
		}
		if listed[name] {
			t.Errorf("SHA256SUMS lists %s twice", name)
		}
		listed[name] = true
		if actual := fileSHA256(t, filepath.Join(out, name)); actual != digest {
			t.Errorf("SHA256SUMS: %s has digest %s, the file %s", name, digest, actual)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	for name := range want {
		if !listed[name] {
			t.Errorf("SHA256SUMS does not list %s", name)
		}
	}

	// Each binary: its size, and its build info (read by `go version -m`,
	// which works for every platform's binaries).
	names := make([]string, 0, len(want))
	for name := range want {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		tg := want[name]
		path := filepath.Join(out, name)
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %.1f MB", name, float64(fi.Size())/(1<<20))
		if fi.Size() < minReleaseSize || fi.Size() > maxReleaseSize {
			t.Errorf("%s is %d bytes, outside %d–%d", name, fi.Size(), minReleaseSize, maxReleaseSize)
		}
		checkReleaseBuildInfo(t, path, tg.os, tg.arch, version)
	}

	// The binary for this machine runs and prints the stamped version.
	self := "sellervault_" + version + "_" + runtime.GOOS + "_" + runtime.GOARCH
	if runtime.GOOS == "windows" {
		self += ".exe"
	}
	if _, ok := want[self]; !ok {
		t.Logf("no release binary for %s/%s: --version not run", runtime.GOOS, runtime.GOARCH)
		return
	}
	vout, err := exec.CommandContext(ctx, filepath.Join(out, self), "--version").CombinedOutput()
	if err != nil {
		t.Fatalf("%s --version: %v\n%s", self, err, vout)
	}
	if !strings.Contains(string(vout), version) {
		t.Errorf("%s --version printed %q, not the stamped %s", self, vout, version)
	}
}

func fileSHA256(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// checkReleaseBuildInfo reads a binary's build info with `go version -m`:
// the CLI's package, built for goos/goarch, static, trimmed, stamped with
// version, linking Vault's api module and not Vault's core (the server
// module github.com/hashicorp/vault, licensed differently and never shipped).
func checkReleaseBuildInfo(t *testing.T, path, goos, goarch, version string) {
	t.Helper()
	name := filepath.Base(path)
	out, err := exec.Command("go", "version", "-m", path).CombinedOutput()
	if err != nil {
		t.Errorf("go version -m %s: %v\n%s", name, err, out)
		return
	}
	var pkg string
	deps := map[string]bool{}
	settings := map[string]string{}
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Split(strings.TrimSpace(line), "\t")
		switch {
		case len(f) >= 2 && f[0] == "path":
			pkg = f[1]
		case len(f) >= 2 && f[0] == "dep":
			deps[f[1]] = true
		case len(f) >= 2 && f[0] == "build":
			k, v, _ := strings.Cut(f[1], "=")
			settings[k] = strings.Trim(v, `"`)
		}
	}
	if pkg != "github.com/sellervault/sellervault/cmd/sellervault" {
		t.Errorf("%s is a build of %q, not of cmd/sellervault", name, pkg)
	}
	if deps["github.com/hashicorp/vault"] {
		t.Errorf("%s links Vault's core (module github.com/hashicorp/vault)", name)
	}
	if !deps["github.com/hashicorp/vault/api"] {
		t.Errorf("%s does not list github.com/hashicorp/vault/api: is the build info read right?\n%s", name, out)
	}
	if deps["github.com/russross/blackfriday/v2"] || deps["github.com/cpuguy83/go-md2man/v2"] {
		t.Errorf("%s links urfave/cli's documentation writers: is it built with -tags urfave_cli_no_docs?", name)
	}
	for k, v := range map[string]string{"GOOS": goos, "GOARCH": goarch, "CGO_ENABLED": "0", "-trimpath": "true", "-tags": "urfave_cli_no_docs"} {
		if settings[k] != v {
			t.Errorf("%s: build setting %s is %q, want %q", name, k, settings[k], v)
		}
	}
	// With -trimpath Go leaves -ldflags out of the build info, so the
	// version stamped with -X is looked for in the binary itself (the
	// native one also prints it, below).
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte(version)) {
		t.Errorf("%s does not hold the version %s: was it stamped with -X?", name, version)
	}
}
