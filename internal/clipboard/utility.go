package clipboard

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"

	"github.com/atotto/clipboard"
)

// utility is the clipboard through a utility (github.com/atotto/clipboard):
// wl-copy/wl-paste under Wayland, else xclip or xsel on Linux and the
// BSDs, pbcopy/pbpaste on macOS. Text goes to the utility on its stdin and
// comes back on its stdout, never through argv. The utility is chosen
// once, when the program starts. It is what System uses where it has no
// better way: under Wayland without XWayland, and for reading on macOS.
//
// An empty clipboard (no program owns the selection) reads as "". Errors
// that mean there is no clipboard at all wrap ErrUnavailable.
type utility struct{}

func (utility) Read() (string, error) {
	if err := available(); err != nil {
		return "", err
	}
	s, err := clipboard.ReadAll()
	if err != nil {
		if isEmpty(err) {
			return "", nil
		}
		return "", classify("read", err)
	}
	return s, nil
}

func (utility) Write(s string) error {
	if err := available(); err != nil {
		return err
	}
	err := clipboard.WriteAll(s)
	if err == nil {
		return nil
	}
	// The copy utility's stderr is not kept, and when it dies before
	// reading its input the error is only a broken pipe: ask the paste
	// utility why.
	if _, rerr := clipboard.ReadAll(); rerr != nil && !isEmpty(rerr) {
		if u := classify("write", rerr); errors.Is(u, ErrUnavailable) {
			return u
		}
	}
	return classify("write", err)
}

// unavailable explains why there is no clipboard; it is ErrUnavailable.
type unavailable struct{ reason string }

func (e unavailable) Error() string        { return "clipboard unavailable: " + e.reason + ": " + fix }
func (e unavailable) Is(target error) bool { return target == ErrUnavailable }

// available reports the cases where the utility cannot work.
func available() error {
	if clipboard.Unsupported {
		return unavailable{"no clipboard utility found"}
	}
	switch runtime.GOOS {
	case "darwin", "windows", "plan9":
		return nil
	}
	if os.Getenv("DISPLAY") != "" || os.Getenv("WAYLAND_DISPLAY") != "" {
		return nil
	}
	// Without a display, xclip and xsel (which atotto prefers over the
	// display-less Termux and WSL utilities) cannot work.
	for _, tool := range []string{"xclip", "xsel"} {
		if _, err := exec.LookPath(tool); err == nil {
			return unavailable{"no display: DISPLAY and WAYLAND_DISPLAY are not set"}
		}
	}
	return nil
}

// isEmpty reports a paste utility's complaint that nobody owns the
// clipboard, which is an empty clipboard, not a failure.
func isEmpty(err error) bool {
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		return false
	}
	msg := string(exit.Stderr)
	for _, s := range []string{
		"target STRING not available",      // xclip
		"target UTF8_STRING not available", // xclip
		"Nothing is copied",                // wl-paste
		"No selection",                     // wl-paste
	} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// classify turns a utility's failure into an error that says what to do.
// The utility's output is never quoted: it could hold clipboard text.
func classify(op string, err error) error {
	if errors.Is(err, exec.ErrNotFound) || errors.Is(err, os.ErrNotExist) {
		return unavailable{"the clipboard utility is missing"}
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		msg := strings.ToLower(string(exit.Stderr))
		if strings.Contains(msg, "can't open display") || strings.Contains(msg, "cannot open display") ||
			strings.Contains(msg, "failed to connect to a wayland server") {
			return unavailable{"cannot open the display"}
		}
		return fmt.Errorf("clipboard %s failed: the clipboard utility %v", op, exit.ProcessState)
	}
	return fmt.Errorf("clipboard %s failed: %w", op, err)
}
