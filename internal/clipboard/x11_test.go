//go:build linux

package clipboard

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"
)

// peer is an X client of the test's own, written apart from the package's
// reader: it asks the CLIPBOARD owner for a target, as a paste would.
type peer struct {
	t    *testing.T
	conn *xgb.Conn
	win  xproto.Window
}

func newPeer(t *testing.T) *peer {
	t.Helper()
	conn, err := xgb.NewConn()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(conn.Close)
	root := xproto.Setup(conn).DefaultScreen(conn).Root
	win, err := xproto.NewWindowId(conn)
	if err != nil {
		t.Fatal(err)
	}
	if err := xproto.CreateWindowChecked(conn, 0, win, root, 0, 0, 1, 1, 0, xproto.WindowClassInputOnly, 0, 0, nil).Check(); err != nil {
		t.Fatal(err)
	}
	return &peer{t: t, conn: conn, win: win}
}

func (p *peer) atom(name string) xproto.Atom {
	r, err := xproto.InternAtom(p.conn, false, uint16(len(name)), name).Reply()
	if err != nil {
		p.t.Fatal(err)
	}
	return r.Atom
}

func (p *peer) name(a xproto.Atom) string {
	r, err := xproto.GetAtomName(p.conn, a).Reply()
	if err != nil {
		p.t.Fatal(err)
	}
	return r.Name
}

// get converts CLIPBOARD to target and returns the data and its type's
// name; ok is false if the owner refused.
func (p *peer) get(target string) (data []byte, typ string, ok bool) {
	p.t.Helper()
	prop := p.atom("PEER_PROPERTY")
	xproto.ConvertSelection(p.conn, p.win, p.atom("CLIPBOARD"), p.atom(target), prop, xproto.TimeCurrentTime)
	done := make(chan xproto.SelectionNotifyEvent, 1)
	go func() {
		for {
			ev, _ := p.conn.WaitForEvent()
			if n, ok := ev.(xproto.SelectionNotifyEvent); ok {
				done <- n
				return
			}
		}
	}()
	select {
	case n := <-done:
		if n.Property == xproto.AtomNone {
			return nil, "", false
		}
	case <-time.After(5 * time.Second):
		p.t.Fatalf("no answer to the conversion to %s", target)
	}
	r, err := xproto.GetProperty(p.conn, true, p.win, prop, xproto.GetPropertyTypeAny, 0, 1<<20).Reply()
	if err != nil {
		p.t.Fatal(err)
	}
	return r.Value, p.name(r.Type), true
}

// targets returns the names of the targets the owner offers.
func (p *peer) targets() []string {
	p.t.Helper()
	data, typ, ok := p.get("TARGETS")
	if !ok || typ != "ATOM" || len(data)%4 != 0 {
		p.t.Fatalf("TARGETS: ok=%v type=%q, %d bytes", ok, typ, len(data))
	}
	var names []string
	for i := 0; i < len(data); i += 4 {
		names = append(names, p.name(xproto.Atom(xgb.Get32(data[i:]))))
	}
	return names
}

// xclipSet copies s with xclip, as another program would.
func xclipSet(t *testing.T, s string) {
	t.Helper()
	// xclip is the fixture here, not what is tested: on a loaded machine
	// its foreground process has once exited 1 (CI of a full run), so it
	// is tried three times, and what it said each time is in the failure.
	var said []string
	for try := 0; try < 3; try++ {
		cmd := exec.Command("xclip", "-selection", "clipboard", "-i")
		cmd.Stdin = strings.NewReader(s)
		// Not Output: xclip stays in the background to serve, with its
		// stdout and stderr, which would be waited for. Its stderr goes
		// to a file, for the error.
		errFile, err := os.CreateTemp(t.TempDir(), "xclip-stderr")
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = errFile
		err = cmd.Run()
		errFile.Close()
		if err == nil {
			// xclip takes the selection in its background process, a
			// moment after the foreground one exits.
			poll(t, "xclip holds the copy", func() bool { return get(t) == s })
			return
		}
		msg, _ := os.ReadFile(errFile.Name())
		said = append(said, fmt.Sprintf("%v: %q", err, msg))
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("xclip -i failed 3 times: %s", strings.Join(said, "; "))
}

// xclipGet pastes target with xclip.
func xclipGet(t *testing.T, target string) string {
	t.Helper()
	// killed after 10 s: xclip -o waits for ever for an owner that does
	// not answer, and the test must fail instead
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "xclip", "-selection", "clipboard", "-o", "-t", target).Output()
	if err != nil {
		t.Fatalf("xclip -o -t %s: %v", target, err)
	}
	return string(out)
}

func TestX11Targets(t *testing.T) {
	const secret = "canary-x11-9d2e71-pässwörd"
	if err := Copy(System(), secret, 0, nil); err != nil {
		t.Fatal(err)
	}
	p := newPeer(t)
	want := []string{"UTF8_STRING", "text/plain;charset=utf-8", "STRING", "TEXT", "TARGETS", "TIMESTAMP", "x-kde-passwordManagerHint"}
	if got := p.targets(); !slices.Equal(got, want) {
		t.Errorf("TARGETS = %q, want %q", got, want)
	}
	for _, tc := range []struct{ target, typ, data string }{
		{"x-kde-passwordManagerHint", "x-kde-passwordManagerHint", "secret"},
		{"UTF8_STRING", "UTF8_STRING", secret},
		{"text/plain;charset=utf-8", "text/plain;charset=utf-8", secret},
		{"TEXT", "UTF8_STRING", secret},
		{"STRING", "STRING", "canary-x11-9d2e71-p\xe4ssw\xf6rd"}, // Latin-1
	} {
		data, typ, ok := p.get(tc.target)
		if !ok || typ != tc.typ || string(data) != tc.data {
			t.Errorf("%s: ok=%v type=%q data=%q; want type %q data %q", tc.target, ok, typ, data, tc.typ, tc.data)
		}
	}
	if data, typ, ok := p.get("TIMESTAMP"); !ok || typ != "INTEGER" || len(data) != 4 || xgb.Get32(data) == 0 {
		t.Errorf("TIMESTAMP: ok=%v type=%q data=%x", ok, typ, data)
	}
	for _, target := range []string{"MULTIPLE", "image/png", "text/html"} {
		if _, _, ok := p.get(target); ok {
			t.Errorf("%s converted, want a refusal", target)
		}
	}
	// xclip, another implementation, sees the same.
	if got := strings.Fields(xclipGet(t, "TARGETS")); !slices.Contains(got, "x-kde-passwordManagerHint") {
		t.Errorf("xclip sees targets %q, without the hint", got)
	}
	if got := xclipGet(t, "x-kde-passwordManagerHint"); got != "secret" {
		t.Errorf("xclip reads the hint as %q", got)
	}
	if got := xclipGet(t, "UTF8_STRING"); got != secret {
		t.Error("xclip does not read the value")
	}
}

func TestX11StringNotLatin1(t *testing.T) {
	const secret = "canary-x11-snowman-☃"
	if err := Copy(System(), secret, 0, nil); err != nil {
		t.Fatal(err)
	}
	p := newPeer(t)
	if _, _, ok := p.get("STRING"); ok {
		t.Error("STRING converted text Latin-1 cannot spell")
	}
	if data, _, ok := p.get("UTF8_STRING"); !ok || string(data) != secret {
		t.Error("UTF8_STRING does not convert to the value")
	}
}

// noHelper stands in for the clear helper: only the owner's own expiry
// clears.
func noHelper([]byte) error { return nil }

func TestOwnerExpires(t *testing.T) {
	const clearAfter = 2 * time.Second
	t.Run("clears after the timeout", func(t *testing.T) {
		const secret = "canary-owner-expiry-41c7"
		if err := Copy(System(), secret, clearAfter, noHelper); err != nil {
			t.Fatal(err)
		}
		if got := get(t); got != secret {
			t.Fatal("the clipboard does not hold the value")
		}
		o := theOwner(t)
		notIn(t, o, secret)
		poll(t, "the owner clears the clipboard", func() bool { return get(t) == "" })
		poll(t, "the owner exits", func() bool { return !alive(o.pid) })
	})
	t.Run("leaves another program's copy", func(t *testing.T) {
		const secret = "canary-owner-lost-83ab"
		const other = "copied by another program"
		if err := Copy(System(), secret, clearAfter, noHelper); err != nil {
			t.Fatal(err)
		}
		o := theOwner(t)
		notIn(t, o, secret)
		xclipSet(t, other)
		poll(t, "the owner exits when it loses the selection", func() bool { return !alive(o.pid) })
		time.Sleep(clearAfter + 500*time.Millisecond) // past the timeout
		if got := get(t); got != other {
			t.Errorf("clipboard holds %q, want %q", got, other)
		}
	})
}

// notIn fails the test if secret is in the argv or environment of p.
func notIn(t *testing.T, p proc, secret string) {
	t.Helper()
	if bytes.Contains(p.cmdline, []byte(secret)) || bytes.Contains(p.environ, []byte(secret)) {
		t.Errorf("the secret is in the argv or environment of process %d", p.pid)
	}
}

func TestClearIfHoldsOtherProgram(t *testing.T) {
	const secret = "canary-clearifholds-x11-5e0f"
	const other = "the user copied this in another program"
	if err := Copy(System(), secret, 0, nil); err != nil {
		t.Fatal(err)
	}
	xclipSet(t, other)
	if cleared, err := ClearIfHolds(System(), secret); err != nil || cleared {
		t.Fatalf("ClearIfHolds = %v, %v; want false, nil", cleared, err)
	}
	if got := get(t); got != other {
		t.Errorf("clipboard holds %q, want %q", got, other)
	}
	// And a copy of ours is cleared, the owner with it.
	if err := Copy(System(), secret, 0, nil); err != nil {
		t.Fatal(err)
	}
	o := theOwner(t)
	if cleared, err := ClearIfHolds(System(), secret); err != nil || !cleared {
		t.Fatalf("ClearIfHolds = %v, %v; want true, nil", cleared, err)
	}
	poll(t, "the owner exits", func() bool { return !alive(o.pid) })
	if got := get(t); got != "" {
		t.Errorf("clipboard holds %d bytes after the clear", len(got))
	}
}

func TestReadIncremental(t *testing.T) {
	// xclip sends this much in INCR chunks.
	big := strings.Repeat("0123456789abcdef", 1<<16) // 1 MiB
	xclipSet(t, big)
	if got := get(t); got != big {
		t.Fatalf("read %d bytes, want the %d xclip holds", len(got), len(big))
	}
}

func TestX11ValueTooLong(t *testing.T) {
	secret := "canary-too-long-" + strings.Repeat("x", maxX11Value)
	err := Copy(System(), secret, 0, nil)
	if err == nil {
		t.Fatal("Copy succeeded")
	}
	noSecret(t, err, secret[:20])
}

func TestOwnerRequest(t *testing.T) {
	good := encodeOwnerRequest(45*time.Second, "v")
	r, err := parseOwnerRequest(good)
	if err != nil || r.clearAfter != 45*time.Second || string(r.value) != "v" {
		t.Fatalf("round trip: %+v, %v", r, err)
	}
	if r, err := parseOwnerRequest(encodeOwnerRequest(0, "v")); err != nil || r.clearAfter != 0 {
		t.Fatalf("no timeout: %+v, %v", r, err)
	}
	with := func(off int, b ...byte) []byte { return patched(good, off, b...) }
	for name, data := range map[string][]byte{
		"empty":        nil,
		"header only":  good[:ownerHeaderSize],
		"bad magic":    with(0, 'X'),
		"version 2":    with(4, 2),
		"huge timeout": with(5, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff),
		"too long":     encodeOwnerRequest(0, strings.Repeat("x", maxX11Value+1)),
	} {
		if _, err := parseOwnerRequest(data); !errors.Is(err, errBadOwnerRequest) {
			t.Errorf("%s: err = %v, want errBadOwnerRequest", name, err)
		}
	}
}

// ackBuffer records what the owner reports.
type ackBuffer struct {
	bytes.Buffer
	closed bool
}

func (a *ackBuffer) Close() error { a.closed = true; return nil }

func TestOwnerMainRefuses(t *testing.T) {
	var ack ackBuffer
	if code := ownerMain(strings.NewReader("SVCO\x01not a request"), &ack); code == 0 {
		t.Error("ownerMain accepted a malformed request")
	}
	if !strings.HasPrefix(ack.String(), "error: ") || !ack.closed {
		t.Errorf("ack = %q, closed %v", ack.String(), ack.closed)
	}
}

func TestLatin1(t *testing.T) {
	for in, want := range map[string]string{
		"":           "",
		"plain":      "plain",
		"pässwörd":   "p\xe4ssw\xf6rd",
		"ÿ":          "\xff",
		"☃":          "",
		"\xff\xfe":   "", // not UTF-8
		"€ (0x20ac)": "",
	} {
		got, ok := latin1([]byte(in))
		if ok != (want != "" || in == "") || string(got) != want {
			t.Errorf("latin1(%q) = %q, %v", in, got, ok)
		}
	}
}
