package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"testing"
)

// BenchmarkStartup measures a whole process: `sellervault --version`
// against a trivial Go binary built the same way in the same run, so the
// difference is sellervault's own start-up cost (package init, flag and
// command table set-up). Run:
//
//	go test -run '^$' -bench Startup -benchtime 100x ./cmd/sellervault
//
// sellervault is built twice: as `go build` builds it here (with cgo
// where a C compiler is present, so linked dynamically) and as
// scripts/release.sh builds releases (CGO_ENABLED=0, -trimpath, -s -w:
// static, like the trivial binary). Besides ns/op, each reports
// "minflt/op", the minor page faults of a run where the OS counts them
// (every page of the binary, heap and stacks first touched costs one; they
// are most of the difference, and unlike times they hardly vary with how
// busy the machine is), and the sellervault ones "x-trivial", their ns/op
// over the trivial binary's in the same run.
//
// Two floors are measured beside them, built as releases are: the
// trivial binary plus only net/http and crypto/tls ("floor-net-http"),
// and plus only Vault's API module ("floor-vault-api"). Go runs every
// linked package's initialisation before main, so no command line of a
// program that talks to Vault through that module starts faster than
// the second floor; the difference between it and sellervault is what
// sellervault's own choices cost.
func BenchmarkStartup(b *testing.B) {
	dir := b.TempDir()
	trivial := writeMain(b, dir, "trivial.go", `"os"`)
	netHTTP := writeMain(b, dir, "floor_http.go", `"os"; _ "net/http"; _ "crypto/tls"`)
	vaultAPI := writeMain(b, dir, "floor_vault.go", `"os"; _ "github.com/hashicorp/vault/api"`)
	bins := []struct{ name, path string }{
		{"trivial", filepath.Join(dir, "trivial")},
		{"floor-net-http", filepath.Join(dir, "floor-http")},
		{"floor-vault-api", filepath.Join(dir, "floor-vault")},
		{"sellervault--version", filepath.Join(dir, "sellervault")},
		{"sellervault--version-release", filepath.Join(dir, "sellervault-release")},
	}
	build(b, bins[0].path, trivial)
	buildRelease(b, bins[1].path, netHTTP)
	buildRelease(b, bins[2].path, vaultAPI)
	build(b, bins[3].path, ".")
	buildRelease(b, bins[4].path, ".")

	var trivialNs float64 // ns/op of the trivial binary in this run
	for _, bin := range bins {
		b.Run(bin.name, func(b *testing.B) {
			info, err := os.Stat(bin.path)
			if err != nil {
				b.Fatal(err)
			}
			var faults int64
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				cmd := exec.Command(bin.path, "--version")
				if out, err := cmd.CombinedOutput(); err != nil {
					b.Fatalf("%s: %v\n%s", bin.name, err, out)
				}
				faults += minorFaults(cmd.ProcessState)
			}
			b.StopTimer()
			ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			if bin.name == "trivial" {
				trivialNs = ns
			} else if trivialNs > 0 {
				b.ReportMetric(ns/trivialNs, "x-trivial")
			}
			if faults > 0 {
				b.ReportMetric(float64(faults)/float64(b.N), "minflt/op")
			}
			b.ReportMetric(float64(info.Size()), "binary-bytes")
		})
	}
}

// writeMain writes a program that imports imports and prints a version,
// and returns its path. It is built from this module, so that its imports
// resolve to the versions sellervault links.
func writeMain(b *testing.B, dir, name, imports string) string {
	b.Helper()
	src := filepath.Join(dir, name)
	prog := "package main\n\nimport (" + imports + ")\n\nfunc main() { os.Stdout.WriteString(\"v0\\n\") }\n"
	if err := os.WriteFile(src, []byte(prog), 0o644); err != nil {
		b.Fatal(err)
	}
	return src
}

func build(b *testing.B, out, pkg string) {
	b.Helper()
	cmd := exec.Command("go", "build", "-o", out, pkg)
	if msg, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("go build %s: %v\n%s", pkg, err, msg)
	}
}

// buildRelease builds pkg as scripts/release.sh builds releases: static
// (CGO_ENABLED=0), with -trimpath, without urfave/cli's documentation
// writers (urfave_cli_no_docs) and with symbols stripped.
func buildRelease(b *testing.B, out, pkg string) {
	b.Helper()
	cmd := exec.Command("go", "build", "-trimpath", "-tags", "urfave_cli_no_docs", "-ldflags=-s -w", "-o", out, pkg)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if msg, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("go build %s: %v\n%s", pkg, err, msg)
	}
}

// minorFaults returns the minor page faults of an exited process, from
// its resource usage where the OS reports them (Minflt of
// syscall.Rusage on Unix), or 0. Read by name so that the file builds on
// every OS.
func minorFaults(ps *os.ProcessState) int64 {
	v := reflect.ValueOf(ps.SysUsage())
	if v.Kind() != reflect.Pointer || v.IsNil() {
		return 0
	}
	f := v.Elem().FieldByName("Minflt")
	if !f.IsValid() || !f.CanInt() {
		return 0
	}
	return f.Int()
}
