package redact

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/sellervault/sellervault/internal/records"
)

// countingHasher "HMACs" a form as its length, and counts its requests.
type countingHasher struct {
	calls []int // forms per request
	err   error
}

func (h *countingHasher) HMAC(_ context.Context, values []string) ([]string, error) {
	h.calls = append(h.calls, len(values))
	if h.err != nil {
		return nil, h.err
	}
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = fmt.Sprintf("h%d", len(v))
	}
	return out, nil
}

// A record's forms are indexed once each, records in the order of their
// paths; a value two records share is in both.
func TestIndexEntries(t *testing.T) {
	h := &countingHasher{}
	got, err := IndexEntries(context.Background(), h, map[string][]records.Sensitive{
		"b": {{Kind: KindPassword, Value: "Secret-1"}, {Kind: KindPassword, Value: "Secret-1"}},
		"a": {{Kind: KindPassword, Value: "Secret-1"}, {Kind: records.RedactLogin, Value: "Ops@Acme.example"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []Entry{
		{Path: "a", Form: FormInfo{Kind: KindPassword, Length: 8, Shape: Shape("Secret-1")}, HMAC: "h8"},
		{Path: "a", Form: FormInfo{Kind: KindEmail, Length: 16, Shape: Shape("ops@acme.example")}, HMAC: "h16"},
		{Path: "b", Form: FormInfo{Kind: KindPassword, Length: 8, Shape: Shape("Secret-1")}, HMAC: "h8"},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) || len(h.calls) != 1 {
		t.Errorf("entries %v in %d requests, want %v in 1", got, len(h.calls), want)
	}
}

// Many forms go to the hasher entryBatch at a time; its error is the
// result.
func TestIndexEntriesBatches(t *testing.T) {
	byPath := map[string][]records.Sensitive{}
	for i := range entryBatch + 1 {
		byPath[fmt.Sprintf("p%05d", i)] = []records.Sensitive{{Kind: KindPassword, Value: fmt.Sprintf("pw-%05d", i)}}
	}
	h := &countingHasher{}
	got, err := IndexEntries(context.Background(), h, byPath)
	if err != nil || len(got) != entryBatch+1 || fmt.Sprint(h.calls) != fmt.Sprint([]int{entryBatch, 1}) {
		t.Errorf("%d entries in requests of %v, %v", len(got), h.calls, err)
	}
	if got[entryBatch].HMAC != "h8" || got[entryBatch].Path != fmt.Sprintf("p%05d", entryBatch) {
		t.Errorf("the last entry %+v", got[entryBatch])
	}
	h = &countingHasher{err: errors.New("sealed")}
	if _, err := IndexEntries(context.Background(), h, byPath); err == nil || err.Error() != "sealed" {
		t.Errorf("error %v", err)
	}
}
