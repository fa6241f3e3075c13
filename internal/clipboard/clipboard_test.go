package clipboard

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

// fake is an in-memory Clipboard. readHook, when set, replaces what Read
// returns.
type fake struct {
	mu       sync.Mutex
	content  string
	writes   []string
	readHook func(content string) (string, error)
	writeErr error
}

func (f *fake) Read() (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.readHook != nil {
		return f.readHook(f.content)
	}
	return f.content, nil
}

func (f *fake) Write(s string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.writes = append(f.writes, s)
	if f.writeErr != nil {
		return f.writeErr
	}
	f.content = s
	return nil
}

func (f *fake) Writes() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.writes...)
}

// noSecret fails the test if err mentions secret.
func noSecret(t *testing.T, err error, secret string) {
	t.Helper()
	if err != nil && strings.Contains(err.Error(), secret) {
		t.Errorf("error %q contains the secret", err)
	}
}

// set writes s to the system clipboard.
func set(t *testing.T, s string) {
	t.Helper()
	if err := System().Write(s); err != nil {
		t.Fatal(err)
	}
}

// get reads the system clipboard.
func get(t *testing.T) string {
	t.Helper()
	s, err := System().Read()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestCopyRoundTrip(t *testing.T) {
	var big strings.Builder
	for big.Len() < 4096 {
		big.WriteString("0123456789abcdef-päss-☃-")
	}
	for name, value := range map[string]string{
		"ascii":            "hunter2",
		"unicode":          "pässwörd ☃ 密码 🔐 ﷽",
		"4KiB":             big.String()[:4096],
		"newlines":         "line one\nline two\n",
		"leading trailing": "  spaced  \t",
	} {
		t.Run(name, func(t *testing.T) {
			if err := Copy(System(), value, 0, nil); err != nil {
				t.Fatal(err)
			}
			if got := get(t); got != value {
				t.Fatalf("clipboard holds %d bytes, want the %d bytes copied", len(got), len(value))
			}
		})
	}
}

func TestCopyRefuses(t *testing.T) {
	start := func([]byte) error { t.Error("helper started"); return nil }
	for name, tc := range map[string]struct {
		value      string
		clearAfter time.Duration
		start      StartHelper
	}{
		"empty value":       {"", time.Second, start},
		"negative timeout":  {"v", -time.Second, start},
		"timeout too long":  {"v", MaxClearAfter + time.Nanosecond, start},
		"timeout no helper": {"v", time.Second, nil},
	} {
		t.Run(name, func(t *testing.T) {
			cb := &fake{}
			if err := Copy(cb, tc.value, tc.clearAfter, tc.start); err == nil {
				t.Fatal("Copy succeeded")
			}
			if w := cb.Writes(); len(w) != 0 {
				t.Errorf("clipboard written %d times", len(w))
			}
		})
	}
}

func TestCopyMismatch(t *testing.T) {
	const secret = "s3cret-value-for-mismatch"
	cb := &fake{readHook: func(string) (string, error) { return "DE00 attacker iban", nil }}
	started := false
	err := Copy(cb, secret, time.Second, func([]byte) error { started = true; return nil })
	if !errors.Is(err, ErrMismatch) {
		t.Fatalf("Copy = %v, want ErrMismatch", err)
	}
	noSecret(t, err, secret)
	if started {
		t.Error("clear helper started after a mismatch")
	}
	if w := cb.Writes(); len(w) != 2 || w[0] != secret || w[1] != "" {
		t.Errorf("writes = %d, want the value then a clear", len(w))
	}
}

func TestCopyReadBackFails(t *testing.T) {
	const secret = "s3cret-value-for-readback"
	cb := &fake{readHook: func(string) (string, error) { return "", errors.New("paste failed") }}
	err := Copy(cb, secret, 0, nil)
	if err == nil {
		t.Fatal("Copy succeeded")
	}
	noSecret(t, err, secret)
	if cb.content != "" {
		t.Error("clipboard not cleared after a failed read-back")
	}
}

func TestCopyPayload(t *testing.T) {
	const secret = "s3cret-value-for-payload"
	var payloads [][]byte
	start := func(p []byte) error { payloads = append(payloads, bytes.Clone(p)); return nil }
	for range 2 {
		if err := Copy(&fake{}, secret, 45*time.Second, start); err != nil {
			t.Fatal(err)
		}
	}
	var salts [][saltSize]byte
	for _, raw := range payloads {
		if bytes.Contains(raw, []byte(secret)) {
			t.Fatal("payload contains the value")
		}
		p, err := parsePayload(raw)
		if err != nil {
			t.Fatal(err)
		}
		if p.clearAfter != 45*time.Second {
			t.Errorf("clearAfter = %v", p.clearAfter)
		}
		if want := sha256.Sum256(append(p.salt[:], secret...)); p.digest != want {
			t.Error("digest is not SHA-256(salt||value)")
		}
		if unsalted := sha256.Sum256([]byte(secret)); bytes.Contains(raw, unsalted[:]) {
			t.Error("payload contains the unsalted hash")
		}
		salts = append(salts, p.salt)
	}
	if salts[0] == salts[1] {
		t.Error("two copies used the same salt")
	}
}

func TestCopyHelperFails(t *testing.T) {
	const secret = "s3cret-value-for-helper"
	cb := &fake{}
	err := Copy(cb, secret, time.Second, func([]byte) error { return errors.New("fork failed") })
	if err == nil || !strings.Contains(err.Error(), "cleared") {
		t.Fatalf("Copy = %v, want an error saying the clipboard was cleared", err)
	}
	noSecret(t, err, secret)
	if cb.content != "" {
		t.Error("clipboard still holds the value although no helper will clear it")
	}
}

// payloadFor copies value to cb and returns the helper's payload.
func payloadFor(t *testing.T, cb Clipboard, value string, clearAfter time.Duration) []byte {
	t.Helper()
	var payload []byte
	if err := Copy(cb, value, clearAfter, func(p []byte) error { payload = bytes.Clone(p); return nil }); err != nil {
		t.Fatal(err)
	}
	return payload
}

func TestServeClear(t *testing.T) {
	const secret = "s3cret-value-for-serveclear"
	payload := payloadFor(t, System(), secret, 30*time.Second)
	var waited time.Duration
	cleared, err := ServeClear(System(), bytes.NewReader(payload), func(d time.Duration) { waited = d })
	if err != nil || !cleared {
		t.Fatalf("ServeClear = %v, %v; want true, nil", cleared, err)
	}
	if waited != 30*time.Second {
		t.Errorf("waited %v, want 30s", waited)
	}
	if got := get(t); got != "" {
		t.Errorf("clipboard holds %d bytes after the clear", len(got))
	}
}

func TestServeClearKeepsNewerContent(t *testing.T) {
	const secret = "s3cret-value-for-keep"
	const other = "something the user copied since"
	payload := payloadFor(t, System(), secret, time.Minute)
	cleared, err := ServeClear(System(), bytes.NewReader(payload), func(time.Duration) { set(t, other) })
	if err != nil || cleared {
		t.Fatalf("ServeClear = %v, %v; want false, nil", cleared, err)
	}
	if got := get(t); got != other {
		t.Errorf("clipboard holds %q, want the newer content %q", got, other)
	}
}

func TestServeClearEmptyClipboard(t *testing.T) {
	payload := payloadFor(t, &fake{}, "v", time.Second)
	cleared, err := ServeClear(&fake{}, bytes.NewReader(payload), func(time.Duration) {})
	if err != nil || cleared {
		t.Fatalf("ServeClear = %v, %v; want false, nil", cleared, err)
	}
}

func TestServeClearBadPayload(t *testing.T) {
	const value = "v"
	good := payloadFor(t, &fake{}, value, time.Second)
	with := func(off int, b ...byte) []byte { return patched(good, off, b...) }
	for name, data := range map[string][]byte{
		"empty":          nil,
		"one byte":       {'S'},
		"short":          good[:payloadSize-1],
		"trailing byte":  append(bytes.Clone(good), 0),
		"double":         append(bytes.Clone(good), good...),
		"bad magic":      with(0, 'X'),
		"version 0":      with(4, 0),
		"version 2":      with(4, 2),
		"zero timeout":   with(5, 0, 0, 0, 0, 0, 0, 0, 0),
		"huge timeout":   with(5, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff),
		"negative":       with(5, 0x80, 0, 0, 0, 0, 0, 0, 1),
		"json":           []byte(`{"salt":"00","digest":"00","clear_after":"1s"}`),
		"hex of payload": []byte(strings.Repeat("ab", payloadSize)),
	} {
		t.Run(name, func(t *testing.T) {
			cb := &fake{content: value}
			waited := false
			cleared, err := ServeClear(cb, bytes.NewReader(data), func(time.Duration) { waited = true })
			if cleared || !errors.Is(err, errBadPayload) {
				t.Fatalf("ServeClear = %v, %v; want false, errBadPayload", cleared, err)
			}
			if waited || len(cb.Writes()) != 0 || cb.content != value {
				t.Error("a malformed payload made ServeClear wait or write")
			}
		})
	}
	// The good payload, as a control.
	cb := &fake{content: value}
	if cleared, err := ServeClear(cb, bytes.NewReader(good), func(time.Duration) {}); err != nil || !cleared {
		t.Fatalf("control: ServeClear = %v, %v", cleared, err)
	}
}

func TestClearIfHolds(t *testing.T) {
	const secret = "s3cret-value-for-clearifholds"
	set(t, secret)
	if cleared, err := ClearIfHolds(System(), "not what it holds"); err != nil || cleared {
		t.Fatalf("ClearIfHolds(other) = %v, %v; want false, nil", cleared, err)
	}
	if got := get(t); got != secret {
		t.Fatal("ClearIfHolds cleared another value")
	}
	if cleared, err := ClearIfHolds(System(), secret); err != nil || !cleared {
		t.Fatalf("ClearIfHolds(value) = %v, %v; want true, nil", cleared, err)
	}
	if got := get(t); got != "" {
		t.Error("clipboard not cleared")
	}
}

func TestNoDisplay(t *testing.T) {
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	const secret = "s3cret-value-for-nodisplay"
	err := Copy(System(), secret, 0, nil)
	if !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Copy = %v, want ErrUnavailable", err)
	}
	noSecret(t, err, secret)
	if !strings.Contains(err.Error(), "install xclip") {
		t.Errorf("error %q does not say what to do", err)
	}
	if _, err := System().Read(); !errors.Is(err, ErrUnavailable) {
		t.Errorf("Read = %v, want ErrUnavailable", err)
	}
}

func TestDisplayGone(t *testing.T) {
	t.Setenv("DISPLAY", ":1999") // no such server
	t.Setenv("WAYLAND_DISPLAY", "")
	const secret = "s3cret-value-for-displaygone"
	err := Copy(System(), secret, 0, nil)
	if !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Copy = %v, want ErrUnavailable", err)
	}
	noSecret(t, err, secret)
}

// patched returns a copy of p with b written at off: a malformed variant
// of a good payload.
func patched(p []byte, off int, b ...byte) []byte {
	q := bytes.Clone(p)
	copy(q[off:], b)
	return q
}
