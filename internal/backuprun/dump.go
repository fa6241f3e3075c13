package backuprun

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/sellervault/sellervault/internal/backup"
	"github.com/sellervault/sellervault/internal/failure"
	"github.com/sellervault/sellervault/internal/parallel"
	"github.com/sellervault/sellervault/internal/records"
)

// DumpOptions shape a backup.
type DumpOptions struct {
	Now     func() time.Time
	Version string // sellervault's version, kept in the document
}

// DumpReport is what a backup left out and why. Paths are document paths
// (see package backup), except in Unknown: paths of the records mount as
// they are, of the other mounts after the mount's name.
type DumpReport struct {
	Deleted []string `json:"deleted"` // current version deleted: not backed up
	// Unknown are outside the record folders (and live records at the
	// schema 1 places of the records mount, which nothing reads any more):
	// not backed up.
	Unknown      []string `json:"unknown"`
	MetadataOnly []string `json:"metadata_only"` // no version, only metadata: not backed up
	Notes        int      `json:"reminder_notes"`
	IndexEntries int      `json:"redaction_index_entries"`
	// Moved counts the copies `sellervault init` left, deleted, at the
	// schema 1 places of the records mount when it moved them.
	Moved int `json:"moved_leftovers"`
	// Unlisted are people of the role groups left out of the staff list
	// (an entity name sellervault would not accept); their records, if
	// any, are in the backup.
	Unlisted []string `json:"unlisted_people"`
}

// reads is how many records a dump reads at a time.
const reads = 8

// Dump reads every live record of the team's KV mounts (records,
// proposals, verifications), the TOTP keys the credentials link to (their
// parameters, never a seed: Vault has no way to return one), and the
// team's people, into a validated document. It uses d's Records, Keys
// and Groups.
func Dump(ctx context.Context, d Deps, opts DumpOptions) (*backup.Document, *DumpReport, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	st := d.Records
	if err := st.RequireInit(ctx); err != nil {
		return nil, nil, err
	}
	rep := &DumpReport{}
	type item struct {
		mount backup.Mount
		path  string // in the mount
		doc   string // in the document
		moved bool   // a schema 1 place: a leftover of the move, or a record nothing reads
	}
	var items []item
	for _, m := range backup.Mounts {
		paths, err := st.List(ctx, m)
		if err != nil {
			return nil, nil, err
		}
		for _, p := range paths {
			if m != backup.RecordsMount {
				doc, ok := backup.DocPath(m, p)
				if !ok {
					rep.Unknown = append(rep.Unknown, st.Mount(m)+"/"+p)
					continue
				}
				items = append(items, item{mount: m, path: p, doc: doc})
				continue
			}
			switch backup.Classify(p) {
			case backup.Include:
				items = append(items, item{mount: m, path: p, doc: p})
			case backup.SkipNotes, backup.SkipMoved:
				items = append(items, item{mount: m, path: p, doc: p, moved: true})
			case backup.SkipIndex:
				rep.IndexEntries++
			case backup.Unknown:
				rep.Unknown = append(rep.Unknown, p)
			}
		}
	}
	notes, err := st.ReminderNotes(ctx)
	switch {
	case errors.Is(err, failure.ErrDenied):
		notes = 0 // a caller who may not list them backs up all the same
	case err != nil:
		return nil, nil, err
	}
	rep.Notes = notes
	type result struct {
		rec     *backup.Record
		deleted bool
		noData  bool
		err     error
	}
	results := make([]result, len(items))
	_ = parallel.Do(len(items), reads, func(i int) error {
		it := items[i]
		rec, deleted, noData, err := readRecord(ctx, st, it.mount, it.path, it.doc)
		results[i] = result{rec, deleted, noData, err} // each keeps its error, reported in order below
		return nil
	})
	doc := &backup.Document{Format: backup.Format, Version: backup.Version, CreatedAt: opts.Now(),
		Team: st.Team(), SellervaultVersion: opts.Version}
	for i, res := range results {
		switch {
		case res.err != nil:
			return nil, nil, res.err
		case items[i].moved && res.rec != nil:
			rep.Unknown = append(rep.Unknown, items[i].path)
		case items[i].moved:
			rep.Moved++
		case res.deleted:
			rep.Deleted = append(rep.Deleted, items[i].doc)
		case res.noData:
			rep.MetadataOnly = append(rep.MetadataOnly, items[i].doc)
		default:
			doc.Records = append(doc.Records, *res.rec)
		}
	}
	doc.DeletedSkipped = len(rep.Deleted)
	if doc.TOTPReenrol, err = totpKeys(ctx, d.Keys, doc.Records); err != nil {
		return nil, nil, err
	}
	if doc.Staff, rep.Unlisted, err = people(ctx, d.Groups, doc.Records); err != nil {
		return nil, nil, err
	}
	doc.Normalize()
	if err := doc.Validate(); err != nil {
		return nil, nil, fmt.Errorf("the backup would not be restorable: %w", err)
	}
	return doc, rep, nil
}

// readRecord reads a record's metadata and its current version, as the
// record of document path doc. A payout change request or verification
// gets its time: Vault's time of the current version, or the original
// time `sellervault init` kept when it moved the record (while that
// mirror names the current version, as the payout commands read it); the
// mirror's keys are left out, and a restore writes them again from the
// time.
func readRecord(ctx context.Context, st Records, m backup.Mount, path, doc string) (rec *backup.Record, deleted, noData bool, err error) {
	s, err := st.Read(ctx, m, path)
	switch {
	case err != nil:
		return nil, false, false, err
	case s.Deleted:
		return nil, true, false, nil
	case s.Version == 0:
		return nil, false, true, nil
	}
	data, err := canonical(s.Data)
	if err != nil {
		return nil, false, false, fmt.Errorf("record %s: %w", doc, err)
	}
	rec = &backup.Record{Path: doc, Data: data, CustomMetadata: s.CustomMetadata}
	if backup.TimedKind(backup.Kind(doc)) {
		custom := copyMeta(s.CustomMetadata)
		rec.VersionTime = s.VersionTime
		if custom[records.OriginalVersionKey] == strconv.Itoa(s.Version) && custom[records.OriginalTimeKey] != "" {
			rec.VersionTime = custom[records.OriginalTimeKey]
		}
		delete(custom, records.OriginalVersionKey)
		delete(custom, records.OriginalTimeKey)
		rec.CustomMetadata = custom
		if _, err := time.Parse(time.RFC3339Nano, rec.VersionTime); err != nil {
			return nil, false, false, fmt.Errorf("%s %s: Vault gave no time for its current version", backup.Kind(doc), doc)
		}
	}
	return rec, false, false, nil
}

// canonical gives data the types JSON decoding with UseNumber gives, as
// a restore reads them.
func canonical(data map[string]interface{}) (map[string]interface{}, error) {
	b, err := json.Marshal(data)
	if err != nil {
		return nil, errors.New("its data cannot be written as JSON")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	out := map[string]interface{}{}
	if err := dec.Decode(&out); err != nil {
		return nil, errors.New("its data cannot be read back from JSON")
	}
	return out, nil
}
