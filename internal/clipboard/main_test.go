package clipboard

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/sellervault/sellervault/internal/xvfbtest"
)

// TestMain runs the tests against a private Xvfb display, never against
// the clipboard of the desktop the tests happen to run on.
func TestMain(m *testing.M) {
	if os.Getenv("WAYLAND_DISPLAY") != "" {
		// atotto/clipboard chose wl-copy when the process started; run
		// again without Wayland so that it picks xclip and the Xvfb display.
		env := slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "WAYLAND_DISPLAY=") })
		exe, err := os.Executable()
		if err == nil {
			err = syscall.Exec(exe, os.Args, env)
		}
		fmt.Fprintln(os.Stderr, "clipboard tests: re-run without WAYLAND_DISPLAY:", err)
		os.Exit(1)
	}
	flag.Parse()
	if f := flag.Lookup("test.fuzzworker"); f != nil && f.Value.String() == "true" {
		// A fuzzing worker runs only the fuzz target, which needs no display.
		os.Exit(m.Run())
	}
	display, stop, err := xvfbtest.Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Setenv("DISPLAY", display)
	code := m.Run()
	stop()
	os.Exit(code)
}
