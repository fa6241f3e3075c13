//go:build darwin

package clipboard

import (
	"os/exec"
	"strings"
)

// System returns the system clipboard. On macOS a copy runs osascript
// with macCopyScript (no cgo needed), which marks it with
// org.nspasteboard.ConcealedType; the value goes to osascript on its
// stdin. Reading is pbpaste's, as for the utility. The pasteboard keeps
// the data after sellervault exits: no process stays behind.
func System() Clipboard { return macClipboard{} }

type macClipboard struct{}

func (macClipboard) Read() (string, error) { return utility{}.Read() }

// Write copies s, marked; Write("") empties the pasteboard.
func (macClipboard) Write(s string) error {
	cmd := exec.Command(macCopyArgs[0], macCopyArgs[1:]...)
	cmd.Stdin = strings.NewReader(s)
	if _, err := cmd.Output(); err != nil { // Output keeps stderr for classify
		return classify("write", err)
	}
	return nil
}
