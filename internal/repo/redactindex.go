package repo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/sellervault/sellervault/internal/payout"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/redact"
	"github.com/sellervault/sellervault/internal/vault"
)

// The redaction index lets every member find the team's known secrets in
// text without being able to read them: for each sensitive value it keeps
// the HMAC of its normalised forms (package redact), computed by Vault's
// Transit engine with a key that never leaves Vault.
//
// It lives in IndexShards KV records under RedactDir (readable by every
// role through _meta/*). A record's entries all go to one shard, chosen
// by a hash of the record's path, so replacing a record's values is one
// read and one check-and-set write of one shard, and the old values leave
// the index as the new ones enter. Loading the index is IndexShards
// reads, whatever its size. Each entry is a line:
//
//	REF KIND LENGTH SHAPE HMAC
//
// REF is the first 16 hex digits of SHA-256 of the record's path (it names
// the record without spelling it out), LENGTH the byte length of the
// normalised form and SHAPE its redact.Shape (the filter of
// redact.NewIndexShaped).
const (
	RedactDir   = "_meta/redact"
	IndexShards = 64
)

// ErrIndexStale: a record was written but the redaction index was not
// updated; `sellervault redact --reindex` repairs it.
var ErrIndexStale = errors.New("the redaction index was not updated: run `sellervault redact --reindex`")

func recordRef(path string) string {
	sum := sha256.Sum256([]byte(path))
	return hex.EncodeToString(sum[:8])
}

func shardPath(ref string) string {
	b, _ := hex.DecodeString(ref[:2])
	return fmt.Sprintf("%s/%02x", RedactDir, b[0]%IndexShards)
}

// indexEntry is one line of a shard.
type indexEntry struct {
	ref, kind string
	length    int
	shape     uint8
	hmac      string
}

func (e indexEntry) String() string {
	return e.ref + " " + e.kind + " " + strconv.Itoa(e.length) + " " + strconv.Itoa(int(e.shape)) + " " + e.hmac
}

// parseShard reads a shard's entries; malformed lines are skipped (and
// dropped at the next write of the shard).
func parseShard(text string) []indexEntry {
	var out []indexEntry
	for _, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) != 5 || len(f[0]) != 16 {
			continue
		}
		n, err := strconv.Atoi(f[2])
		shape, serr := strconv.ParseUint(f[3], 10, 4)
		if err != nil || serr != nil || n < 0 {
			continue
		}
		out = append(out, indexEntry{ref: f[0], kind: f[1], length: n, shape: uint8(shape), hmac: f[4]})
	}
	return out
}

// indexKind is the redaction kind a value is indexed under: a login is
// an e-mail when it is an address.
func indexKind(s records.Sensitive) string {
	if s.Kind == records.RedactLogin {
		if _, err := records.ParseEmail(s.Value); err == nil {
			return records.RedactEmail
		}
	}
	return s.Kind
}

// indexEntries HMACs the forms of a record's sensitive values.
func (r *Repo) indexEntries(ctx context.Context, path string, values []records.Sensitive) ([]indexEntry, error) {
	return r.hmacEntries(ctx, map[string][]records.Sensitive{path: values})
}

// hmacBatch is how many forms go to Transit in one request.
const hmacBatch = 2000

// hmacEntries HMACs the forms of many records' sensitive values (by
// path), hmacBatch forms per Transit request.
func (r *Repo) hmacEntries(ctx context.Context, byPath map[string][]records.Sensitive) ([]indexEntry, error) {
	var pending []indexEntry // hmac filled below
	var forms []string
	paths := make([]string, 0, len(byPath))
	for p := range byPath {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, path := range paths {
		ref := recordRef(path)
		seen := map[string]bool{}
		for _, v := range byPath[path] {
			kind := indexKind(v)
			for _, f := range redact.IndexForms(kind, v.Value) {
				if !seen[kind+"\x00"+f] {
					seen[kind+"\x00"+f] = true
					pending = append(pending, indexEntry{ref: ref, kind: kind, length: len(f), shape: redact.Shape(f)})
					forms = append(forms, f)
				}
			}
		}
	}
	for start := 0; start < len(forms); start += hmacBatch {
		end := min(start+hmacBatch, len(forms))
		hmacs, err := r.c.TransitHMAC(ctx, r.layout.Transit(), r.layout.RedactKey(), forms[start:end])
		if err != nil {
			return nil, err
		}
		for i, h := range hmacs {
			pending[start+i].hmac = h
		}
	}
	return pending, nil
}

// indexRecord replaces a record's entries in the index with its current
// sensitive values. Its error says the record itself was written.
func (r *Repo) indexRecord(ctx context.Context, path string, values []records.Sensitive) error {
	entries, err := r.indexEntries(ctx, path, values)
	if err == nil {
		err = r.replaceInShard(ctx, recordRef(path), entries)
	}
	if err != nil {
		return fmt.Errorf("%w (%v)", ErrIndexStale, err)
	}
	return nil
}

// replaceInShard swaps ref's entries in its shard, with check-and-set,
// reading again when another writer got there first.
func (r *Repo) replaceInShard(ctx context.Context, ref string, entries []indexEntry) error {
	path := shardPath(ref)
	for attempt := 0; ; attempt++ {
		version, current := 0, ""
		rec, err := r.c.KVGet(ctx, r.mount, path)
		switch {
		case err == nil:
			version = rec.Version
			current, _ = rec.Data["entries"].(string)
		case !errors.Is(err, vault.ErrNotFound):
			return err
		}
		var kept []string
		for _, e := range parseShard(current) {
			if e.ref != ref {
				kept = append(kept, e.String())
			}
		}
		for _, e := range entries {
			kept = append(kept, e.String())
		}
		sort.Strings(kept)
		next := strings.Join(kept, "\n")
		if next == current {
			return nil
		}
		_, err = r.c.KVPut(ctx, r.mount, path, map[string]interface{}{"entries": next}, version)
		if errors.Is(err, vault.ErrConflict) && attempt < 10 {
			continue
		}
		return err
	}
}

// RedactIndex loads the whole index (IndexShards reads, a few at a time).
func (r *Repo) RedactIndex(ctx context.Context) (*redact.Index, error) {
	shards := make([]string, IndexShards)
	if err := inParallel(IndexShards, 2*reads, func(i int) error {
		rec, err := r.c.KVGet(ctx, r.mount, fmt.Sprintf("%s/%02x", RedactDir, i))
		if errors.Is(err, vault.ErrNotFound) {
			return nil
		}
		if err == nil {
			shards[i], _ = rec.Data["entries"].(string)
		}
		return err
	}); err != nil {
		return nil, err
	}
	kinds := map[string]string{}
	var forms []redact.FormInfo
	for _, s := range shards {
		for _, e := range parseShard(s) {
			kinds[e.hmac] = e.kind
			forms = append(forms, redact.FormInfo{Kind: e.kind, Length: e.length, Shape: e.shape})
		}
	}
	return redact.NewIndexShaped(kinds, forms), nil
}

// payoutSensitive are a payout record's numbers (a routing number names
// a bank, but beside an account number it completes the payee).
func payoutSensitive(p payout.Record) []records.Sensitive {
	var out []records.Sensitive
	for _, v := range []records.Sensitive{{Kind: records.RedactIBAN, Value: p.IBAN},
		{Kind: records.RedactAccount, Value: p.Account}, {Kind: records.RedactRouting, Value: p.Routing}} {
		if v.Value != "" {
			out = append(out, v)
		}
	}
	return out
}

// Hasher is the redaction hasher of this team: Transit's HMAC with the
// team's redaction key, the caller's token.
func (r *Repo) Hasher() redact.Hasher { return transitHasher{r} }

type transitHasher struct{ r *Repo }

func (h transitHasher) HMAC(ctx context.Context, values []string) ([]string, error) {
	return h.r.c.TransitHMAC(ctx, h.r.layout.Transit(), h.r.layout.RedactKey(), values)
}

// ReindexReport says what a rebuild of the index found.
type ReindexReport struct {
	Records int // records with sensitive values
	Entries int // HMACs in the index
}

// Reindex rebuilds the redaction index from every record's current
// values (a manager's job: it reads them all), replacing every shard.
func (r *Repo) Reindex(ctx context.Context) (ReindexReport, error) {
	var rep ReindexReport
	values, err := r.sensitiveValues(ctx)
	if err != nil {
		return rep, err
	}
	entries, err := r.hmacEntries(ctx, values)
	if err != nil {
		return rep, err
	}
	rep.Records, rep.Entries = len(values), len(entries)
	shards := map[string][]string{}
	for _, e := range entries {
		sp := shardPath(e.ref)
		shards[sp] = append(shards[sp], e.String())
	}
	for i := 0; i < IndexShards; i++ {
		path := fmt.Sprintf("%s/%02x", RedactDir, i)
		lines := shards[path]
		sort.Strings(lines)
		version := 0
		rec, err := r.c.KVGet(ctx, r.mount, path)
		switch {
		case err == nil:
			version = rec.Version
		case errors.Is(err, vault.ErrNotFound):
			if len(lines) == 0 {
				continue
			}
		default:
			return rep, err
		}
		if _, err := r.c.KVPut(ctx, r.mount, path, map[string]interface{}{"entries": strings.Join(lines, "\n")}, version); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// sensitiveValues reads every record's sensitive values, by path.
func (r *Repo) sensitiveValues(ctx context.Context) (map[string][]records.Sensitive, error) {
	inv, err := r.Inventory(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string][]records.Sensitive{}
	add := func(path string, enc records.Encoded) {
		if len(enc.Sensitive) > 0 {
			out[path] = enc.Sensitive
		}
	}
	for _, s := range inv.Stores {
		add(records.StorePath(s.Name), s.Encode())
	}
	for _, p := range inv.Phones {
		add(records.PhonePath(p.Number), p.Encode())
	}
	for _, c := range inv.Credentials {
		full, _, err := r.GetCredential(ctx, c.Store, c.Name)
		if err != nil {
			return nil, err
		}
		add(records.CredPath(c.Store, c.Name), full.Encode())
	}
	for _, m := range inv.Mailboxes {
		full, _, err := r.GetMailbox(ctx, m.Address)
		if err != nil {
			return nil, err
		}
		add(records.MailboxPath(m.Address), full.Encode())
	}
	for _, p := range inv.Payouts {
		full, err := r.GetPayout(ctx, p.Store)
		if err != nil {
			return nil, err
		}
		if vals := payoutSensitive(full.Record); len(vals) > 0 {
			out[payoutPath(p.Store)] = vals
		}
	}
	return out, nil
}
