//go:build unix && !darwin

package clipboard

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"
)

// The X11 owner process. On X11 a copy is a promise to answer: the program
// that copies owns the CLIPBOARD selection and must convert it for every
// program that pastes, until another program takes the selection. So a
// copy starts a detached process of this very executable, the owner,
// which
//
//   - reads the value (and the clear timeout) from its stdin, a pipe: never
//     from argv or the environment;
//   - takes the selection and says "ok" on fd 3, so that Copy can read the
//     value back at once;
//   - answers TARGETS, the text targets and x-kde-passwordManagerHint
//     ("secret");
//   - exits when another program takes the selection (someone copied
//     something else: it is left alone) or, after the clear timeout, clears
//     the selection and exits. It clears with the time it took the
//     selection, which the X server ignores if the selection changed hands
//     since: the clear is conditional on the server, without a race.
//
// The owner is started as `<executable> clipboard-owner` with
// SELLERVAULT_CLIPBOARD_OWNER=1 added to the environment, and this
// package's init runs it before main: no command of the application is
// needed, and any program that links this package (sellervault, its tests,
// the clear helper) can start it.

const (
	ownerArg = "clipboard-owner"
	ownerEnv = "SELLERVAULT_CLIPBOARD_OWNER"

	// maxX11Value is the longest value the owner serves. It is answered in
	// one property change, well within the X server's request size.
	maxX11Value = 64 << 10

	// ownerStartTimeout bounds how long Copy waits for the owner to take
	// the selection.
	ownerStartTimeout = 10 * time.Second
)

func init() {
	if len(os.Args) == 2 && os.Args[1] == ownerArg && os.Getenv(ownerEnv) == "1" {
		os.Unsetenv(ownerEnv)
		os.Exit(ownerMain(os.Stdin, os.NewFile(3, "ack")))
	}
}

// The owner's request is fixed binary followed by the value:
//
//	offset  size  field
//	0       4     magic "SVCO"
//	4       1     version, 1
//	5       8     clear timeout in nanoseconds, big-endian, 0 (never) up to MaxClearAfter
//	13      n     the value, 1..maxX11Value bytes
const (
	ownerMagic      = "SVCO"
	ownerVersion    = 1
	ownerHeaderSize = len(ownerMagic) + 1 + 8
)

var errBadOwnerRequest = errors.New("malformed clipboard owner request")

type ownerRequest struct {
	clearAfter time.Duration
	value      []byte
}

// encodeOwnerRequest builds the request straight from value, with no
// other copy of it.
func encodeOwnerRequest(clearAfter time.Duration, value string) []byte {
	b := make([]byte, 0, ownerHeaderSize+len(value))
	b = append(b, ownerMagic...)
	b = append(b, ownerVersion)
	b = binary.BigEndian.AppendUint64(b, uint64(clearAfter))
	return append(b, value...)
}

func parseOwnerRequest(b []byte) (ownerRequest, error) {
	var r ownerRequest
	switch {
	case len(b) <= ownerHeaderSize:
		return r, fmt.Errorf("%w: %d bytes, no value", errBadOwnerRequest, len(b))
	case len(b) > ownerHeaderSize+maxX11Value:
		return r, fmt.Errorf("%w: value longer than %d bytes", errBadOwnerRequest, maxX11Value)
	case string(b[:4]) != ownerMagic:
		return r, fmt.Errorf("%w: bad magic", errBadOwnerRequest)
	case b[4] != ownerVersion:
		return r, fmt.Errorf("%w: version %d, want %d", errBadOwnerRequest, b[4], ownerVersion)
	}
	n := binary.BigEndian.Uint64(b[5:13])
	if n > uint64(MaxClearAfter) {
		return r, fmt.Errorf("%w: clear timeout out of range", errBadOwnerRequest)
	}
	r.clearAfter = time.Duration(n)
	r.value = b[ownerHeaderSize:]
	return r, nil
}

// startOwner starts the owner process with value and waits until it owns
// the selection. The owner's argv is the executable and "clipboard-owner",
// its environment is this process's without VAULT_* plus the marker
// SELLERVAULT_CLIPBOARD_OWNER=1; value goes through a pipe.
func startOwner(value string, clearAfter time.Duration) error {
	if len(value) > maxX11Value {
		return fmt.Errorf("clipboard: the value is %d bytes, longer than the %d an X11 copy takes", len(value), maxX11Value)
	}
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("clipboard owner: find this executable: %w", err)
	}
	null, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("clipboard owner: %w", err)
	}
	defer null.Close()
	reqR, reqW, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("clipboard owner: %w", err)
	}
	defer reqW.Close()
	ackR, ackW, err := os.Pipe()
	if err != nil {
		reqR.Close()
		return fmt.Errorf("clipboard owner: %w", err)
	}
	defer ackR.Close()
	cmd := exec.Command(exe, ownerArg)
	cmd.Env = append(helperEnv(os.Environ()), ownerEnv+"=1")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = reqR, null, null
	cmd.ExtraFiles = []*os.File{ackW} // fd 3
	cmd.SysProcAttr = detached()
	err = cmd.Start()
	reqR.Close()
	ackW.Close()
	if err != nil {
		return fmt.Errorf("clipboard owner: %w", err)
	}
	fail := func(err error) error {
		cmd.Process.Kill()
		cmd.Wait()
		return fmt.Errorf("clipboard owner: %w", err)
	}
	deadline := time.Now().Add(ownerStartTimeout)
	reqW.SetWriteDeadline(deadline)
	req := encodeOwnerRequest(clearAfter, value)
	_, err = reqW.Write(req)
	clear(req)
	if cerr := reqW.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fail(fmt.Errorf("send the value: %w", err))
	}
	ackR.SetReadDeadline(deadline)
	line, err := bufio.NewReader(io.LimitReader(ackR, 512)).ReadString('\n')
	switch {
	case line == "ok\n":
		go cmd.Wait() // reap it if it ends while this process runs
		return nil
	case strings.HasPrefix(line, "error: "):
		return fail(errors.New(strings.TrimSpace(strings.TrimPrefix(line, "error: "))))
	case err != nil:
		return fail(fmt.Errorf("no answer: %w", err))
	}
	return fail(errors.New("unexpected answer"))
}

// ownerMain is the owner process's body; it returns the exit code. It
// reports on ack "ok" once it owns the selection, or "error: ..." (never
// with the value), and closes ack.
func ownerMain(in io.Reader, ack io.WriteCloser) int {
	report := func(err error) int {
		fmt.Fprintf(ack, "error: %s\n", strings.ReplaceAll(err.Error(), "\n", " "))
		ack.Close()
		return 1
	}
	data, err := io.ReadAll(io.LimitReader(in, int64(ownerHeaderSize+maxX11Value)+1))
	defer clear(data)
	if err != nil {
		return report(fmt.Errorf("read the value: %w", err))
	}
	req, err := parseOwnerRequest(data)
	if err != nil {
		return report(err)
	}
	x, err := dialX11()
	if err != nil {
		return report(unavailable{"cannot open the X11 display"})
	}
	defer x.close()
	o, err := x.own(req.value)
	if err != nil {
		return report(err)
	}
	io.WriteString(ack, "ok\n")
	ack.Close()
	var expire <-chan time.Time
	if req.clearAfter > 0 {
		t := time.NewTimer(req.clearAfter)
		defer t.Stop()
		expire = t.C
	}
	o.serve(expire)
	return 0
}

// owner owns the CLIPBOARD selection with value.
type owner struct {
	x        *x11
	win      xproto.Window
	acquired xproto.Timestamp
	value    []byte
	events   <-chan xgb.Event
}

// own takes the CLIPBOARD selection for value. It takes it with a real
// server time, not CurrentTime (as ICCCM asks): a zero-length change of a
// property on its own window yields one.
func (x *x11) own(value []byte) (*owner, error) {
	win, err := x.window()
	if err != nil {
		return nil, fmt.Errorf("X11: create a window: %w", err)
	}
	o := &owner{x: x, win: win, value: value, events: x.events()}
	xproto.ChangeProperty(x.conn, xproto.PropModeAppend, win, x.atoms.timeMark, x.atoms.str, 8, 0, nil)
	timeout := time.After(ownerStartTimeout)
	for o.acquired == 0 {
		select {
		case <-timeout:
			return nil, errors.New("X11: no timestamp from the server")
		case ev, ok := <-o.events:
			if !ok {
				return nil, errors.New("X11: connection lost")
			}
			if p, ok := ev.(xproto.PropertyNotifyEvent); ok && p.Window == win && p.Atom == x.atoms.timeMark {
				o.acquired = p.Time
			}
		}
	}
	if err := xproto.SetSelectionOwnerChecked(x.conn, win, x.atoms.clipboard, o.acquired).Check(); err != nil {
		return nil, fmt.Errorf("X11: take the clipboard: %w", err)
	}
	if got, err := x.owner(); err != nil || got != win {
		return nil, errors.New("X11: could not take the clipboard")
	}
	return o, nil
}

// serve answers conversion requests until the selection is taken by
// another program, the connection ends, or expire fires; then it clears
// the selection if it still owns it. It reports whether it cleared.
func (o *owner) serve(expire <-chan time.Time) (cleared bool) {
	for {
		select {
		case <-expire:
			cleared = o.x.clear(o.acquired) == nil
			o.drain(ownerDrain)
			return cleared
		case ev, ok := <-o.events:
			if !ok {
				return false
			}
			switch e := ev.(type) {
			case xproto.SelectionRequestEvent:
				o.answer(e)
			case xproto.SelectionClearEvent:
				if e.Owner == o.win && e.Selection == o.x.atoms.clipboard {
					o.drain(ownerDrain)
					return false
				}
			}
		}
	}
}

// ownerDrain is how long an owner that gave the selection up still
// refuses requests before it exits.
const ownerDrain = 250 * time.Millisecond

// drain refuses, for d, the requests that reached the owner around the
// moment it gave the selection up: a program that asked then (a paste, a
// clipboard manager) is told at once that there is nothing, instead of
// waiting for an answer from a process that has gone (xclip, for one,
// waits for ever).
func (o *owner) drain(d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			return
		case ev, ok := <-o.events:
			if !ok {
				return
			}
			if r, ok := ev.(xproto.SelectionRequestEvent); ok {
				o.notify(r, xproto.AtomNone)
			}
		}
	}
}

// answer converts the selection for a requestor, or refuses, and tells it
// which (ICCCM 2.2).
func (o *owner) answer(r xproto.SelectionRequestEvent) {
	prop := r.Property
	if prop == xproto.AtomNone {
		prop = r.Target // an obsolete requestor
	}
	early := r.Time != xproto.TimeCurrentTime && int32(r.Time-o.acquired) < 0
	if r.Selection != o.x.atoms.clipboard || r.Owner != o.win || early || !o.put(r.Requestor, prop, r.Target) {
		prop = xproto.AtomNone
	}
	o.notify(r, prop)
}

// notify tells a requestor where its conversion is: prop, or AtomNone
// for a refusal.
func (o *owner) notify(r xproto.SelectionRequestEvent, prop xproto.Atom) {
	n := xproto.SelectionNotifyEvent{Time: r.Time, Requestor: r.Requestor, Selection: r.Selection, Target: r.Target, Property: prop}
	xproto.SendEvent(o.x.conn, false, r.Requestor, xproto.EventMaskNoEvent, string(n.Bytes()))
	o.x.conn.Sync()
}

// put stores the conversion of target in the requestor's property.
func (o *owner) put(win xproto.Window, prop, target xproto.Atom) bool {
	typ, format, data, ok := o.x.atoms.conversion(target, o.value, o.acquired)
	if !ok {
		return false
	}
	n := uint32(len(data) / int(format/8))
	return xproto.ChangePropertyChecked(o.x.conn, xproto.PropModeReplace, win, prop, typ, format, n, data).Check() == nil
}
