package clipboard

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

func TestWinSecretFormats(t *testing.T) {
	want := map[string][]byte{
		"ExcludeClipboardContentFromMonitorProcessing": {0, 0, 0, 0},
		"CanIncludeInClipboardHistory":                 {0, 0, 0, 0}, // DWORD 0
		"CanUploadToCloudClipboard":                    {0, 0, 0, 0}, // DWORD 0
	}
	if len(winSecretFormats) != len(want) {
		t.Fatalf("%d formats, want %d", len(winSecretFormats), len(want))
	}
	for _, f := range winSecretFormats {
		if w, ok := want[f.name]; !ok || !bytes.Equal(f.data, w) {
			t.Errorf("format %s with data %x", f.name, f.data)
		}
	}
}

func TestUTF16z(t *testing.T) {
	for _, s := range []string{"", "hunter2", "pässwörd ☃ 密码 🔐", "line\r\nbreak"} {
		b, err := utf16z(s)
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		if len(b)%2 != 0 || !bytes.HasSuffix(b, []byte{0, 0}) {
			t.Errorf("%q: %x does not end in a NUL character", s, b)
		}
		if got := fromUTF16z(b); got != s {
			t.Errorf("round trip of %q gives %q", s, got)
		}
	}
	if b, _ := utf16z("A€"); !bytes.Equal(b, []byte{'A', 0, 0xac, 0x20, 0, 0}) {
		t.Errorf("utf16z(A€) = %x, want little-endian UTF-16", b)
	}
	if b, _ := utf16z("🔐"); len(b) != 6 {
		t.Errorf("utf16z(🔐) = %x, want a surrogate pair", b)
	}
	for _, bad := range []string{"nul\x00inside", "\xff\xfe"} {
		if _, err := utf16z(bad); err == nil {
			t.Errorf("utf16z(%q) accepted", bad)
		}
	}
	// Data after the terminator, or an odd byte, is not text.
	if got := fromUTF16z([]byte{'o', 0, 'k', 0, 0, 0, 'x', 0, 'y'}); got != "ok" {
		t.Errorf("fromUTF16z = %q, want ok", got)
	}
}

func TestMacCopyScript(t *testing.T) {
	if !slices.Equal(macCopyArgs[:4], []string{"osascript", "-l", "JavaScript", "-e"}) || len(macCopyArgs) != 5 {
		t.Fatalf("osascript argv = %q", macCopyArgs)
	}
	for _, must := range []string{
		"$.NSFileHandle.fileHandleWithStandardInput.readDataToEndOfFile",
		"pb.clearContents",
		"'public.utf8-plain-text'",
		"'org.nspasteboard.ConcealedType'",
	} {
		if !strings.Contains(macCopyScript, must) {
			t.Errorf("the script lacks %s", must)
		}
	}
	for _, mustNot := range []string{"argv", "arguments", "getenv", "environment"} {
		if strings.Contains(strings.ToLower(macCopyScript), strings.ToLower(mustNot)) {
			t.Errorf("the script reads %s: the value must come on stdin", mustNot)
		}
	}
}

// TestCrossBuild builds and vets the package for Windows and macOS, whose
// clipboards cannot run here: at least they compile, and vet finds
// nothing.
func TestCrossBuild(t *testing.T) {
	gocmd, err := exec.LookPath("go")
	if err != nil {
		gocmd = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	for _, goos := range []string{"windows", "darwin"} {
		for _, args := range [][]string{{"build", "-o", os.DevNull, "."}, {"vet", "."}} {
			cmd := exec.Command(gocmd, args...)
			cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH=amd64", "CGO_ENABLED=0")
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("GOOS=%s go %s: %v\n%s", goos, strings.Join(args, " "), err, out)
			}
		}
	}
}
