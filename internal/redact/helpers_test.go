package redact

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"hash"
	"sync"
)

// fakeHasher stands in for Vault Transit: real HMAC-SHA256 with a local
// key, the output in Transit's form ("vault:v1:" and base64), and a
// count of calls and values.
type fakeHasher struct {
	mu     sync.Mutex
	mac    hash.Hash
	calls  int
	values int
	sizes  []int
}

func newFakeHasher() *fakeHasher {
	return newFakeHasherKey("sellervault-redact test key")
}

// newFakeHasherKey returns a fake hasher with its own key: one
// audience's Transit key.
func newFakeHasherKey(key string) *fakeHasher {
	return &fakeHasher{mac: hmac.New(sha256.New, []byte(key))}
}

func (f *fakeHasher) HMAC(_ context.Context, values []string) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	f.values += len(values)
	f.sizes = append(f.sizes, len(values))
	out := make([]string, len(values))
	var sum [sha256.Size]byte
	buf := make([]byte, 0, 9+base64.StdEncoding.EncodedLen(sha256.Size))
	for i, v := range values {
		f.mac.Reset()
		f.mac.Write([]byte(v))
		buf = append(buf[:0], "vault:v1:"...)
		buf = base64.StdEncoding.AppendEncode(buf, f.mac.Sum(sum[:0]))
		out[i] = string(buf)
	}
	return out, nil
}

// one returns the HMAC of one value.
func (f *fakeHasher) one(v string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var sum [sha256.Size]byte
	f.mac.Reset()
	f.mac.Write([]byte(v))
	return "vault:v1:" + base64.StdEncoding.EncodeToString(f.mac.Sum(sum[:0]))
}

// secret is a value of the index.
type secret struct{ kind, value string }

// buildIndex indexes secrets the way the Vault side does: IndexForms,
// HMAC, lengths.
func buildIndex(h *fakeHasher, secrets []secret) *Index {
	m := map[string]string{}
	var lens []int
	for _, s := range secrets {
		for _, f := range IndexForms(s.kind, s.value) {
			m[h.one(f)] = s.kind
			lens = append(lens, len(f))
		}
	}
	return NewIndex(m, lens)
}
