package redact

import (
	"context"
	"sort"

	"github.com/sellervault/sellervault/internal/records"
)

// Entry is one form of a record's value in an audience's index: the
// path of the record (which holds no value), what the index's filter
// knows of the form, and the form's HMAC under the audience's key. The
// store keeps entries in its shards; it writes a record's own with each
// write of the record, and an audience's whole index on a rebuild
// (package reindex).
type Entry struct {
	Path string
	Form FormInfo
	HMAC string
}

// entryBatch is how many forms go to the Hasher in one request.
const entryBatch = 2000

// IndexEntries are the entries of records' sensitive values (by the
// records' paths) with one audience's key: each value's IndexForms under
// its IndexKind, once per record, HMACed by h, entryBatch forms per
// request. They come in the order of the paths.
func IndexEntries(ctx context.Context, h Hasher, byPath map[string][]records.Sensitive) ([]Entry, error) {
	var pending []Entry // HMAC filled below
	var forms []string
	paths := make([]string, 0, len(byPath))
	for p := range byPath {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, path := range paths {
		seen := map[string]bool{}
		for _, v := range byPath[path] {
			kind := v.IndexKind()
			for _, f := range IndexForms(kind, v.Value) {
				if !seen[kind+"\x00"+f] {
					seen[kind+"\x00"+f] = true
					pending = append(pending, Entry{Path: path, Form: FormInfo{Kind: kind, Length: len(f), Shape: Shape(f)}})
					forms = append(forms, f)
				}
			}
		}
	}
	for start := 0; start < len(forms); start += entryBatch {
		end := min(start+entryBatch, len(forms))
		hmacs, err := h.HMAC(ctx, forms[start:end])
		if err != nil {
			return nil, err
		}
		for i, m := range hmacs {
			pending[start+i].HMAC = m
		}
	}
	return pending, nil
}
