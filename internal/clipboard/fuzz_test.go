package clipboard

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"testing"
	"time"
)

// FuzzServeClearPayload feeds ServeClear arbitrary payloads: it must never
// panic, and it must never clear (nor wait, nor write) unless the payload
// is well-formed and its digest matches what the clipboard holds.
func FuzzServeClearPayload(f *testing.F) {
	const value = "fuzz-value"
	var payload []byte
	if err := Copy(&fake{}, value, time.Second, func(p []byte) error { payload = bytes.Clone(p); return nil }); err != nil {
		f.Fatal(err)
	}
	f.Add(payload)
	f.Add(payload[:payloadSize-1])
	f.Add(append(bytes.Clone(payload), 0))
	f.Add([]byte{})
	f.Add([]byte("SVCC\x01"))
	f.Add(bytes.Repeat([]byte{0}, payloadSize))
	f.Fuzz(func(t *testing.T, data []byte) {
		cb := &fake{content: value}
		waited := false
		cleared, err := ServeClear(cb, bytes.NewReader(data), func(d time.Duration) {
			if d <= 0 || d > MaxClearAfter {
				t.Fatalf("wait(%v) out of range", d)
			}
			waited = true
		})
		p, perr := parsePayload(data)
		if perr != nil {
			if cleared || err == nil || waited || len(cb.Writes()) != 0 {
				t.Fatalf("malformed payload: cleared=%v err=%v waited=%v writes=%d", cleared, err, waited, len(cb.Writes()))
			}
			return
		}
		if !bytes.Equal(p.encode(), data) {
			t.Fatal("parse/encode does not round-trip")
		}
		d := sha256.Sum256(append(p.salt[:], value...))
		match := subtle.ConstantTimeCompare(d[:], p.digest[:]) == 1
		if cleared != match || err != nil {
			t.Fatalf("well-formed payload: cleared=%v err=%v, digest match=%v", cleared, err, match)
		}
		if !match && len(cb.Writes()) != 0 {
			t.Fatal("wrote to the clipboard without a digest match")
		}
	})
}
