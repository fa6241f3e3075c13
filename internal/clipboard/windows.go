//go:build windows

package clipboard

import (
	"fmt"
	"runtime"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
)

// The Windows clipboard, through user32 (golang.org/x/sys/windows, no
// cgo). A copy puts the text as CF_UNICODETEXT and, in the same opening
// of the clipboard, the formats of winSecretFormats, which keep it out of
// the clipboard history and the cloud clipboard. The system keeps the data
// after sellervault exits: no process stays behind to serve it.

var (
	user32   = windows.NewLazySystemDLL("user32.dll")
	kernel32 = windows.NewLazySystemDLL("kernel32.dll")

	procOpenClipboard              = user32.NewProc("OpenClipboard")
	procCloseClipboard             = user32.NewProc("CloseClipboard")
	procEmptyClipboard             = user32.NewProc("EmptyClipboard")
	procSetClipboardData           = user32.NewProc("SetClipboardData")
	procGetClipboardData           = user32.NewProc("GetClipboardData")
	procIsClipboardFormatAvailable = user32.NewProc("IsClipboardFormatAvailable")
	procRegisterClipboardFormatW   = user32.NewProc("RegisterClipboardFormatW")
	procGlobalAlloc                = kernel32.NewProc("GlobalAlloc")
	procGlobalFree                 = kernel32.NewProc("GlobalFree")
	procGlobalLock                 = kernel32.NewProc("GlobalLock")
	procGlobalUnlock               = kernel32.NewProc("GlobalUnlock")
	procGlobalSize                 = kernel32.NewProc("GlobalSize")
	procRtlMoveMemory              = kernel32.NewProc("RtlMoveMemory")
)

const (
	cfUnicodeText = 13
	gmemMoveable  = 0x0002

	// openTimeout is how long to wait for another program to close the
	// clipboard, which only one program at a time may open.
	openTimeout = time.Second
)

// System returns the system clipboard. On Windows copies are marked so
// that the clipboard history and the cloud clipboard skip them.
func System() Clipboard { return winClipboard{} }

type winClipboard struct{}

// withClipboard runs f with the clipboard open. The clipboard belongs to
// the thread that opened it, so the goroutine stays on its thread.
func withClipboard(f func() error) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	for deadline := time.Now().Add(openTimeout); ; time.Sleep(10 * time.Millisecond) {
		r, _, err := procOpenClipboard.Call(0)
		if r != 0 {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("clipboard: open: %w", err)
		}
	}
	defer procCloseClipboard.Call()
	return f()
}

func (winClipboard) Read() (s string, err error) {
	err = withClipboard(func() error {
		if r, _, _ := procIsClipboardFormatAvailable.Call(cfUnicodeText); r == 0 {
			return nil // empty, or no text
		}
		h, _, err := procGetClipboardData.Call(cfUnicodeText)
		if h == 0 {
			return fmt.Errorf("clipboard: read: %w", err)
		}
		p, _, err := procGlobalLock.Call(h)
		if p == 0 {
			return fmt.Errorf("clipboard: read: %w", err)
		}
		defer procGlobalUnlock.Call(h)
		n, _, _ := procGlobalSize.Call(h)
		b := make([]byte, n)
		if n > 0 {
			procRtlMoveMemory.Call(uintptr(unsafe.Pointer(&b[0])), p, n)
		}
		s = fromUTF16z(b)
		clear(b)
		return nil
	})
	return s, err
}

// Write puts s on the clipboard with the secret formats; Write("")
// empties the clipboard. If a format cannot be set, the clipboard is
// emptied rather than left holding an unmarked copy.
func (winClipboard) Write(s string) error {
	var text []byte
	if s != "" {
		var err error
		if text, err = utf16z(s); err != nil {
			return fmt.Errorf("clipboard: %w", err)
		}
		defer clear(text)
	}
	return withClipboard(func() error {
		if r, _, err := procEmptyClipboard.Call(); r == 0 {
			return fmt.Errorf("clipboard: empty: %w", err)
		}
		if s == "" {
			return nil
		}
		err := setClipboardData(cfUnicodeText, text)
		for _, f := range winSecretFormats {
			if err != nil {
				break
			}
			err = setFormat(f)
		}
		if err != nil {
			procEmptyClipboard.Call()
			return err
		}
		return nil
	})
}

func setFormat(f winFormat) error {
	name, err := windows.UTF16PtrFromString(f.name)
	if err != nil {
		return err
	}
	id, _, err := procRegisterClipboardFormatW.Call(uintptr(unsafe.Pointer(name)))
	if id == 0 {
		return fmt.Errorf("clipboard: register format %s: %w", f.name, err)
	}
	return setClipboardData(id, f.data)
}

// setClipboardData hands a copy of data to the clipboard as format. On
// success the system owns the memory.
func setClipboardData(format uintptr, data []byte) error {
	h, _, err := procGlobalAlloc.Call(gmemMoveable, uintptr(len(data)))
	if h == 0 {
		return fmt.Errorf("clipboard: allocate: %w", err)
	}
	p, _, err := procGlobalLock.Call(h)
	if p == 0 {
		procGlobalFree.Call(h)
		return fmt.Errorf("clipboard: lock: %w", err)
	}
	if len(data) > 0 {
		procRtlMoveMemory.Call(p, uintptr(unsafe.Pointer(&data[0])), uintptr(len(data)))
	}
	procGlobalUnlock.Call(h)
	if r, _, err := procSetClipboardData.Call(format, h); r == 0 {
		procGlobalFree.Call(h)
		return fmt.Errorf("clipboard: set data: %w", err)
	}
	return nil
}
