//go:build unix && !darwin

package clipboard

import (
	"time"

	"github.com/jezek/xgb/xproto"
)

// System returns the system clipboard.
//
// On Linux and the BSDs, when the X11 display ($DISPLAY, XWayland
// included) accepts a connection, sellervault uses it directly
// (github.com/jezek/xgb, pure Go, no utility needed): a copy starts the
// owner process, which serves the value and marks it with the
// x-kde-passwordManagerHint target; a read converts the CLIPBOARD
// selection to UTF8_STRING; a clear disowns the selection. When there is
// no X11 display (native Wayland without XWayland, or no display at all),
// it falls back to a utility: wl-copy/wl-paste, xclip or xsel. Such copies
// are not marked.
//
// An empty clipboard reads as "". Errors that mean there is no clipboard
// at all wrap ErrUnavailable.
func System() Clipboard { return x11OrUtility{} }

// x11OrUtility chooses, for every call, X11 if the display answers, else
// the utility.
type x11OrUtility struct{}

func (x11OrUtility) Read() (string, error) {
	x, err := dialX11()
	if err != nil {
		return utility{}.Read()
	}
	defer x.close()
	return x.readText()
}

func (c x11OrUtility) Write(s string) error { return c.writeUntil(s, 0) }

// writeUntil copies s; on X11 the owner clears it after clearAfter (if it
// is not 0) if it still owns the selection then. Write("") clears.
func (x11OrUtility) writeUntil(s string, clearAfter time.Duration) error {
	x, err := dialX11()
	if err != nil {
		return utility{}.Write(s)
	}
	defer x.close()
	if s == "" {
		return x.clear(xproto.TimeCurrentTime)
	}
	return startOwner(s, clearAfter)
}
