//go:build unix && !darwin

package clipboard

import (
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"syscall"
	"time"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"
)

// X11 clipboard, client side: reading the CLIPBOARD selection and clearing
// it, over a connection of our own (github.com/jezek/xgb, pure Go). Owning
// the selection, which is what a copy is on X11, is the owner process's
// job (x11_serve.go).

func init() {
	// xgb logs to stderr, for instance "Could not get authority info"
	// for every connection to a display without an Xauthority file. Its
	// errors are returned anyway; its log is noise in a CLI.
	xgb.Logger = log.New(io.Discard, "", 0)
}

const (
	// x11ReadTimeout bounds how long a read waits for the selection's
	// owner to answer: a hung application must not hang sellervault.
	x11ReadTimeout = 3 * time.Second

	// maxX11Read is the most a read accepts from another program's
	// selection; anything longer is not a value sellervault copied.
	maxX11Read = 16 << 20
)

// x11 is a connection to the X server with the atoms the clipboard uses.
type x11 struct {
	conn  *xgb.Conn
	root  xproto.Window
	atoms x11Atoms
	done  chan struct{} // closed by close
}

// x11Atoms are the interned atoms, by role.
type x11Atoms struct {
	clipboard, targets, timestamp, incr, atom, integer xproto.Atom
	utf8, textPlainUTF8, str, text, hint               xproto.Atom
	property, timeMark                                 xproto.Atom // our own
}

// dialX11 connects to $DISPLAY. A failure means there is no X11 clipboard
// to use (no display, or Wayland without XWayland).
//
// An X server resets when its last client disconnects, and drops the
// connections being set up at that moment: that happens on a display with
// no desktop (Xvfb, as in the tests) when the owner of the clipboard
// exits. Such a dropped setup is tried again, a few times.
func dialX11() (*x11, error) {
	if os.Getenv("DISPLAY") == "" {
		return nil, errors.New("X11: DISPLAY is not set")
	}
	var conn *xgb.Conn
	var err error
	for try := 1; ; try++ {
		conn, err = xgb.NewConn()
		if err == nil {
			break
		}
		if try == 5 || !(errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
			errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)) {
			return nil, err
		}
		time.Sleep(time.Duration(try) * 20 * time.Millisecond)
	}
	x := &x11{conn: conn, root: xproto.Setup(conn).DefaultScreen(conn).Root, done: make(chan struct{})}
	names := []struct {
		to   *xproto.Atom
		name string
	}{
		{&x.atoms.clipboard, "CLIPBOARD"},
		{&x.atoms.targets, "TARGETS"},
		{&x.atoms.timestamp, "TIMESTAMP"},
		{&x.atoms.incr, "INCR"},
		{&x.atoms.atom, "ATOM"},
		{&x.atoms.integer, "INTEGER"},
		{&x.atoms.utf8, "UTF8_STRING"},
		{&x.atoms.textPlainUTF8, targetTextPlainUTF8},
		{&x.atoms.str, "STRING"},
		{&x.atoms.text, "TEXT"},
		{&x.atoms.hint, targetPasswordHint},
		{&x.atoms.property, "SELLERVAULT_SELECTION"},
		{&x.atoms.timeMark, "SELLERVAULT_TIMESTAMP"},
	}
	cookies := make([]xproto.InternAtomCookie, len(names))
	for i, n := range names {
		cookies[i] = xproto.InternAtom(conn, false, uint16(len(n.name)), n.name)
	}
	for i, c := range cookies {
		r, err := c.Reply()
		if err != nil {
			conn.Close()
			return nil, fmt.Errorf("X11: intern atom %s: %w", names[i].name, err)
		}
		*names[i].to = r.Atom
	}
	return x, nil
}

func (x *x11) close() {
	close(x.done)
	x.conn.Close()
}

// window creates an unmapped window that receives property changes: the
// requestor of a conversion, or the selection owner.
func (x *x11) window() (xproto.Window, error) {
	win, err := xproto.NewWindowId(x.conn)
	if err != nil {
		return 0, err
	}
	err = xproto.CreateWindowChecked(x.conn, 0, win, x.root, 0, 0, 1, 1, 0,
		xproto.WindowClassInputOnly, 0, xproto.CwEventMask,
		[]uint32{xproto.EventMaskPropertyChange}).Check()
	return win, err
}

// events delivers the connection's events; the channel closes when the
// connection does. X errors of requests nobody checks are dropped: a
// requestor that went away must not stop the owner. Call it once per
// connection.
func (x *x11) events() <-chan xgb.Event {
	ch := make(chan xgb.Event, 16)
	go func() {
		defer close(ch)
		for {
			ev, err := x.conn.WaitForEvent()
			if ev == nil && err == nil {
				return
			}
			if ev == nil {
				continue
			}
			select {
			case ch <- ev:
			case <-x.done:
				return
			}
		}
	}()
	return ch
}

// owner returns the window that owns the CLIPBOARD selection, or 0.
func (x *x11) owner() (xproto.Window, error) {
	r, err := xproto.GetSelectionOwner(x.conn, x.atoms.clipboard).Reply()
	if err != nil {
		return 0, err
	}
	return r.Owner, nil
}

// clear disowns the CLIPBOARD selection, whoever owns it: the owner is
// told (SelectionClear) and lets go, and the clipboard is empty. With a
// time other than CurrentTime the server ignores the request if the
// selection changed hands after that time.
func (x *x11) clear(at xproto.Timestamp) error {
	if err := xproto.SetSelectionOwnerChecked(x.conn, xproto.WindowNone, x.atoms.clipboard, at).Check(); err != nil {
		return fmt.Errorf("X11: clear the clipboard: %w", err)
	}
	return nil
}

// errNoConversion is a conversion the owner refused (or no owner).
var errNoConversion = errors.New("X11: the clipboard owner does not offer that target")

// convert asks the CLIPBOARD owner for target and returns the data and its
// type. It reads incremental (INCR) transfers too. With no owner, or a
// refusal, it returns errNoConversion.
//
// An owner that lets go of the selection while a request is on its way
// (it clears, or exits) never answers it: when the owner changes during
// the wait, the request is sent again, to the new owner (or to none,
// which the server answers at once).
func (x *x11) convert(target xproto.Atom) ([]byte, xproto.Atom, error) {
	win, err := x.window()
	if err != nil {
		return nil, 0, fmt.Errorf("X11: %w", err)
	}
	defer xproto.DestroyWindow(x.conn, win)
	evs := x.events()
	timeout := time.NewTimer(x11ReadTimeout)
	defer timeout.Stop()
	recheck := time.NewTicker(100 * time.Millisecond)
	defer recheck.Stop()
	var asked xproto.Window // the owner asked
	ask := func() error {
		owner, err := x.owner()
		if err != nil {
			return fmt.Errorf("X11: %w", err)
		}
		if owner == xproto.WindowNone {
			return errNoConversion
		}
		if owner != asked {
			asked = owner
			xproto.ConvertSelection(x.conn, win, x.atoms.clipboard, target, x.atoms.property, xproto.TimeCurrentTime)
		}
		return nil
	}
	if err := ask(); err != nil {
		return nil, 0, err
	}
	for {
		select {
		case <-timeout.C:
			return nil, 0, errors.New("X11: the program that holds the clipboard did not answer")
		case <-recheck.C:
			if err := ask(); err != nil {
				return nil, 0, err
			}
		case ev, ok := <-evs:
			if !ok {
				return nil, 0, errors.New("X11: connection lost")
			}
			n, ok := ev.(xproto.SelectionNotifyEvent)
			if !ok || n.Requestor != win {
				continue
			}
			if n.Property == xproto.AtomNone {
				return nil, 0, errNoConversion
			}
			return x.readProperty(win, evs)
		}
	}
}

// readProperty reads and deletes the converted property, following an
// INCR transfer: each chunk is a new value of the property, taken by
// deleting it, until an empty one. Each chunk may take x11ReadTimeout.
func (x *x11) readProperty(win xproto.Window, evs <-chan xgb.Event) ([]byte, xproto.Atom, error) {
	data, typ, err := x.takeProperty(win)
	if err != nil || typ != x.atoms.incr {
		return data, typ, err
	}
	var all []byte
	idle := time.NewTimer(x11ReadTimeout)
	defer idle.Stop()
	for {
		select {
		case <-idle.C:
			return nil, 0, errors.New("X11: the program that holds the clipboard stopped sending")
		case ev, ok := <-evs:
			if !ok {
				return nil, 0, errors.New("X11: connection lost")
			}
			p, ok := ev.(xproto.PropertyNotifyEvent)
			if !ok || p.Window != win || p.Atom != x.atoms.property || p.State != xproto.PropertyNewValue {
				continue
			}
			chunk, ctyp, err := x.takeProperty(win)
			if err != nil {
				return nil, 0, err
			}
			if len(chunk) == 0 {
				return all, ctyp, nil
			}
			if len(all)+len(chunk) > maxX11Read {
				return nil, 0, fmt.Errorf("X11: the clipboard holds more than %d bytes", maxX11Read)
			}
			all = append(all, chunk...)
			idle.Reset(x11ReadTimeout)
		}
	}
}

// takeProperty reads the property whole and deletes it.
func (x *x11) takeProperty(win xproto.Window) ([]byte, xproto.Atom, error) {
	r, err := xproto.GetProperty(x.conn, true, win, x.atoms.property, xproto.GetPropertyTypeAny, 0, maxX11Read/4).Reply()
	if err != nil {
		return nil, 0, fmt.Errorf("X11: read the clipboard: %w", err)
	}
	if r.BytesAfter > 0 {
		return nil, 0, fmt.Errorf("X11: the clipboard holds more than %d bytes", maxX11Read)
	}
	return r.Value, r.Type, nil
}

// readText returns the clipboard's text (UTF8_STRING). An empty clipboard,
// or one whose owner offers no text, reads as "", as with xclip.
func (x *x11) readText() (string, error) {
	data, _, err := x.convert(x.atoms.utf8)
	if errors.Is(err, errNoConversion) {
		return "", nil
	}
	return string(data), err
}
