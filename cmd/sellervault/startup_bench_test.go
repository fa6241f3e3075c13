package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// BenchmarkStartup measures a whole process: `sellervault --version`
// against a trivial Go binary built the same way in the same run, so the
// difference is sellervault's own start-up cost (package init, flag and
// command table set-up). Run:
//
//	go test -run '^$' -bench Startup -benchtime 50x ./cmd/sellervault
func BenchmarkStartup(b *testing.B) {
	dir := b.TempDir()
	sellervault := filepath.Join(dir, "sellervault")
	trivial := filepath.Join(dir, "trivial")
	build(b, sellervault, ".")
	src := filepath.Join(dir, "trivial.go")
	if err := os.WriteFile(src, []byte("package main\n\nimport \"os\"\n\nfunc main() { os.Stdout.WriteString(\"v0\\n\") }\n"), 0o644); err != nil {
		b.Fatal(err)
	}
	build(b, trivial, src)

	for _, bin := range []struct{ name, path string }{{"trivial", trivial}, {"sellervault--version", sellervault}} {
		b.Run(bin.name, func(b *testing.B) {
			info, err := os.Stat(bin.path)
			if err != nil {
				b.Fatal(err)
			}
			for i := 0; i < b.N; i++ {
				cmd := exec.Command(bin.path, "--version")
				if out, err := cmd.CombinedOutput(); err != nil {
					b.Fatalf("%s: %v\n%s", bin.name, err, out)
				}
			}
			b.ReportMetric(float64(info.Size()), "binary-bytes")
		})
	}
}

func build(b *testing.B, out, pkg string) {
	b.Helper()
	cmd := exec.Command("go", "build", "-o", out, pkg)
	if msg, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("go build %s: %v\n%s", pkg, err, msg)
	}
}
