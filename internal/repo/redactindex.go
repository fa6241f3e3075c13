package repo

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"sort"
	"strconv"
	"strings"

	"github.com/sellervault/sellervault/internal/parallel"
	"github.com/sellervault/sellervault/internal/payout"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/redact"
	"github.com/sellervault/sellervault/internal/setup"
	"github.com/sellervault/sellervault/internal/vault"
)

// The redaction index lets a member find the team's known secrets in
// text: for each sensitive value it keeps the HMAC of its normalised
// forms (package redact), computed by Vault's Transit engine with a key
// that never leaves Vault.
//
// There is one index and one key per audience (vault.StoreAudience for
// each store's credentials and sensitive name, vault.AudiencePayout for
// payout numbers, vault.AudienceContacts for mailboxes and phones), and
// only the audience may read the index and use the key: the people who
// may read every value in it anyway. So nothing a member can read or
// compute says anything about a value they may not read: they cannot
// HMAC a guess with another audience's key, nor read its index, and an
// HMAC of theirs never equals one of another audience (another key), so
// no entry shows a value reused across audiences.
//
// An audience's index lives in AudienceShards KV records,
// RedactDir/AUDIENCE/NN. A record's entries all go to one shard, chosen
// by a hash of the record's path, so replacing a record's values is one
// read and one check-and-set write of one shard. Each shard holds:
//
//	entries  one line per indexed form: PATH KIND HMAC
//	filter   one line per (kind, length, shape) of the forms indexed in
//	         the shard since the last reindex: which candidates are worth
//	         hashing (redact.NewIndexShaped); no line names a record
//
// PATH is the record's path, which holds no value (mailboxes and phones
// are kept under an ID) and which the audience can list anyway.
const (
	RedactDir      = setup.RedactDir
	AudienceShards = 16
)

// ErrIndexStale: a record was written but the redaction index or its
// store's credential listing was not updated; `sellervault redact
// --reindex` repairs both.
var ErrIndexStale = errors.New("the redaction index or the store's credential listing was not updated: run `sellervault redact --reindex`")

// audienceOf is the audience of a record's values, by its path.
func audienceOf(path string) string {
	if rest, ok := strings.CutPrefix(path, records.StoreDir()+"/"); ok {
		store, sub, _ := strings.Cut(rest, "/")
		if sub == "payout" {
			return vault.AudiencePayout
		}
		return vault.StoreAudience(store)
	}
	return vault.AudienceContacts
}

func shardPath(audience string, i int) string {
	return fmt.Sprintf("%s/%s/%02x", RedactDir, audience, i)
}

func shardOf(recordPath string) int {
	h := fnv.New32a()
	h.Write([]byte(recordPath))
	return int(h.Sum32() % AudienceShards)
}

// indexEntry is one line of a shard.
type indexEntry struct {
	path, kind, hmac string
	length           int   // of the form: goes to the shard's filter only
	shape            uint8 // likewise
}

func (e indexEntry) String() string { return e.path + " " + e.kind + " " + e.hmac }

func (e indexEntry) filterLine() string {
	return e.kind + " " + strconv.Itoa(e.length) + " " + strconv.Itoa(int(e.shape))
}

// parseShard reads a shard's entries; malformed lines are skipped (and
// dropped at the next write of the shard).
func parseShard(text string) []indexEntry {
	var out []indexEntry
	for _, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) == 3 {
			out = append(out, indexEntry{path: f[0], kind: f[1], hmac: f[2]})
		}
	}
	return out
}

// parseFilter reads a shard's filter lines.
func parseFilter(text string) []redact.FormInfo {
	var out []redact.FormInfo
	for _, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) != 3 {
			continue
		}
		n, err := strconv.Atoi(f[1])
		shape, serr := strconv.ParseUint(f[2], 10, 4)
		if err == nil && serr == nil && n > 0 {
			out = append(out, redact.FormInfo{Kind: f[0], Length: n, Shape: uint8(shape)})
		}
	}
	return out
}

// entryOf is a shard's line of an index entry.
func entryOf(e redact.Entry) indexEntry {
	return indexEntry{path: e.Path, kind: e.Form.Kind, hmac: e.HMAC, length: e.Form.Length, shape: e.Form.Shape}
}

// hmacEntries are the index entries of one audience's records' sensitive
// values (by path), with the audience's key (redact.IndexEntries).
func (r *Repo) hmacEntries(ctx context.Context, audience string, byPath map[string][]records.Sensitive) ([]indexEntry, error) {
	entries, err := redact.IndexEntries(ctx, r.Index().Hasher(audience), byPath)
	if err != nil {
		return nil, err
	}
	out := make([]indexEntry, len(entries))
	for i, e := range entries {
		out[i] = entryOf(e)
	}
	return out, nil
}

// indexRecord replaces a record's entries in its audience's index with
// its current sensitive values. Its error says the record itself was
// written.
func (r *Repo) indexRecord(ctx context.Context, path string, values []records.Sensitive) error {
	audience := audienceOf(path)
	entries, err := r.hmacEntries(ctx, audience, map[string][]records.Sensitive{path: values})
	if err == nil {
		err = r.replaceInShard(ctx, audience, path, entries)
	}
	if err != nil {
		return fmt.Errorf("%w (%v)", ErrIndexStale, err)
	}
	return nil
}

// replaceInShard swaps a record's entries in its shard, with
// check-and-set, reading again when another writer got there first. The
// filter only grows (a reindex makes it exact again): a wider filter
// hashes a few more candidates, never misses one.
func (r *Repo) replaceInShard(ctx context.Context, audience, recordPath string, entries []indexEntry) error {
	path := shardPath(audience, shardOf(recordPath))
	return retryOnConflict(ctx, func() error {
		version, current, filter := 0, "", ""
		rec, err := r.c.KV().Get(ctx, r.mount, path)
		switch {
		case err == nil:
			version = rec.Version
			current, _ = rec.Data["entries"].(string)
			filter, _ = rec.Data["filter"].(string)
		case !errors.Is(err, vault.ErrNotFound):
			return err
		}
		var kept []string
		for _, e := range parseShard(current) {
			if e.path != recordPath {
				kept = append(kept, e.String())
			}
		}
		var filterLines []string
		if filter != "" {
			filterLines = strings.Split(filter, "\n")
		}
		for _, e := range entries {
			kept = append(kept, e.String())
			filterLines = append(filterLines, e.filterLine())
		}
		next, nextFilter := joinSorted(kept), joinSorted(filterLines)
		if next == current && nextFilter == filter {
			return nil
		}
		err = r.putDerived(ctx, path, map[string]interface{}{"entries": next, "filter": nextFilter}, version)
		return err
	})
}

// joinSorted sorts lines, drops duplicates and joins them.
func joinSorted(lines []string) string {
	sort.Strings(lines)
	out := lines[:0]
	for i, l := range lines {
		if i == 0 || l != lines[i-1] {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// Audiences are the redaction audiences the caller belongs to, from
// their scope (the policies of their token): every one for a manager
// (and a root token); payout for finance; each store whose policy they
// hold.
func (f Index) Audiences(ctx context.Context) ([]string, error) {
	r := f.r
	scope, err := r.Members().Scope(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	if scope.All {
		stores, err := r.Stores().List(ctx)
		if err != nil {
			return nil, err
		}
		for _, s := range stores {
			out = append(out, vault.StoreAudience(s.Name))
		}
		return append(out, vault.AudiencePayout, vault.AudienceContacts), nil
	}
	for _, store := range scope.Stores { // sorted
		out = append(out, vault.StoreAudience(store))
	}
	if scope.Finance {
		out = append(out, vault.AudiencePayout)
	}
	return out, nil
}

// RedactAudiences loads the index of each of the caller's audiences
// (AudienceShards reads each, a few at a time), with a hasher that uses
// the audience's key and the caller's token. Audiences with an empty
// index are left out.
func (f Index) RedactAudiences(ctx context.Context) ([]redact.Audience, error) {
	r := f.r
	names, err := r.Index().Audiences(ctx)
	if err != nil {
		return nil, err
	}
	shards := make([][2]string, len(names)*AudienceShards) // entries, filter
	if err := parallel.Do(len(shards), 2*reads, func(i int) error {
		rec, err := r.c.KV().Get(ctx, r.mount, shardPath(names[i/AudienceShards], i%AudienceShards))
		if errors.Is(err, vault.ErrNotFound) {
			return nil
		}
		if err == nil {
			shards[i][0], _ = rec.Data["entries"].(string)
			shards[i][1], _ = rec.Data["filter"].(string)
		}
		return err
	}); err != nil {
		return nil, err
	}
	var out []redact.Audience
	for a, name := range names {
		kinds := map[string]string{}
		var forms []redact.FormInfo
		for _, s := range shards[a*AudienceShards : (a+1)*AudienceShards] {
			for _, e := range parseShard(s[0]) {
				kinds[e.hmac] = e.kind
			}
			forms = append(forms, parseFilter(s[1])...)
		}
		if len(kinds) > 0 {
			out = append(out, redact.Audience{Name: name, Index: redact.NewIndexShaped(kinds, forms),
				Hasher: r.Index().Hasher(name)})
		}
	}
	return out, nil
}

// payoutSensitive are a payout record's numbers (records.PayoutSensitive).
func payoutSensitive(p payout.Record) []records.Sensitive {
	return records.PayoutSensitive(p.IBAN, p.Account, p.Routing)
}

// Hasher is an audience's redaction hasher with the caller's token (only
// the audience may use its key).
func (f Index) Hasher(audience string) redact.Hasher {
	r := f.r
	return transitHasher{r, r.layout.RedactKey(audience)}
}

// transitHasher is an audience's redaction hasher: Transit's HMAC with
// the audience's key, the caller's token.
type transitHasher struct {
	r   *Repo
	key string
}

func (h transitHasher) HMAC(ctx context.Context, values []string) ([]string, error) {
	return h.r.c.Transit().HMACAt(ctx, h.r.layout.Transit(), h.key, setup.RedactKeyVersion, values)
}

// RedactOptions are what the caller's `redact` and `scan` use: the
// indexes of their audiences with their hashers, and the team's mail
// domains (patterns do the rest: see package redact).
func (f Index) RedactOptions(ctx context.Context) (redact.Options, error) {
	r := f.r
	audiences, err := r.Index().RedactAudiences(ctx)
	if err != nil {
		return redact.Options{}, fmt.Errorf("the redaction index: %w", err)
	}
	domains, err := r.Contacts().TeamDomains(ctx)
	if err != nil {
		return redact.Options{}, fmt.Errorf("the team's mail domains: %w", err)
	}
	return redact.Options{Audiences: audiences, TeamDomains: domains}, nil
}
