package repo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sellervault/sellervault/internal/incident"
	"github.com/sellervault/sellervault/internal/offboard"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/staff"
	"github.com/sellervault/sellervault/internal/vault"
)

// DoctorReport is what `sellervault doctor` found and, unless DryRun,
// repaired. Names only: never a value.
type DoctorReport struct {
	DryRun bool `json:"dry_run"`
	// Credentials is how many live credentials were checked.
	Credentials int `json:"credentials"`
	// Mirrors are the credentials whose custom metadata did not mirror
	// their data ("STORE/NAME: owner, assignees"): an interrupted write,
	// or an edit made with Vault's CLI or API.
	Mirrors []string `json:"mirrors"`
	// Listings are the stores whose credential listing did not name what
	// their credentials' metadata holds (rebuilt).
	Listings []string `json:"listings"`
	// Offboardings are the offboardings a run left unfinished
	// ("NAME to SUCCESSOR"), finished by this one.
	Offboardings []string `json:"offboardings"`
	// Indexes are the redaction audiences whose index lagged their
	// records' values (rebuilt).
	Indexes []string `json:"indexes"`
	// Incidents are the open incidents whose lockdown a run left
	// unfinished ("STORE: what"), applied again.
	Incidents []string `json:"incidents"`
}

// Found reports whether anything needed repair.
func (d *DoctorReport) Found() bool { return d.Things() > 0 }

// Things is how many things needed repair.
func (d *DoctorReport) Things() int {
	return len(d.Mirrors) + len(d.Listings) + len(d.Offboardings) + len(d.Indexes) + len(d.Incidents)
}

// Run checks the whole team (a manager's job) and repairs what it finds,
// unless dryRun: each credential's metadata against its data, each store's
// credential listing against that metadata, unfinished offboardings,
// incidents whose lockdown was cut short, and redaction indexes that lag
// their records' values.
// It reads every credential (two requests each): run it after a failure,
// a failover or an edit made around sellervault, not on every command.
// Run again, it finds nothing.
func (f Doctor) Run(ctx context.Context, dryRun bool, now func() time.Time) (*DoctorReport, error) {
	r := f.r
	if dryRun {
		defer r.dryRun()()
	}
	rep := &DoctorReport{DryRun: dryRun, Mirrors: []string{}, Listings: []string{}, Offboardings: []string{},
		Indexes: []string{}, Incidents: []string{}}
	if err := r.doctorStores(ctx, rep); err != nil {
		return rep, err
	}
	// The indexes before the jobs run again below, which write records
	// (and their index entries) themselves.
	if err := r.doctorIndexes(ctx, rep); err != nil {
		return rep, err
	}
	if err := r.doctorOffboardings(ctx, rep, now); err != nil {
		return rep, err
	}
	if err := r.doctorIncidents(ctx, rep, now); err != nil {
		return rep, err
	}
	return rep, nil
}

// doctorIndexes compares every audience's redaction index with what its
// records' current values call for, and rebuilds each that lags.
func (r *Repo) doctorIndexes(ctx context.Context, rep *DoctorReport) error {
	want, err := r.expectedIndex(ctx)
	if err != nil {
		return fmt.Errorf("the redaction indexes: %w", err)
	}
	for _, a := range want {
		lags, err := r.audienceLags(ctx, a.name, a.entries)
		if err != nil {
			return fmt.Errorf("the redaction index of %s: %w", a.name, err)
		}
		if !lags {
			continue
		}
		rep.Indexes = append(rep.Indexes, a.name)
		if rep.DryRun {
			continue
		}
		if err := r.writeAudience(ctx, a.name, a.entries); err != nil {
			return fmt.Errorf("the redaction index of %s: %w", a.name, err)
		}
	}
	return nil
}

// doctorIncidents applies again the lockdown of every open incident
// whose start a failure cut short: staff still in the store's group, a
// credential neither marked due nor rotated since the start, the payout
// record not flagged.
func (r *Repo) doctorIncidents(ctx context.Context, rep *DoctorReport, now func() time.Time) error {
	d := incident.Deps{Records: r.Incidents(), Stores: r.Stores(), People: r.Identities(),
		Creds: r.Creds(), Rotation: r.Rotation(), Payouts: r.Payouts()}
	keys, err := r.Incidents().List(ctx)
	if errors.Is(err, vault.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, store := range keys {
		in, err := r.Incidents().Get(ctx, store)
		if err != nil {
			return err
		}
		if in.Status != records.IncidentOpen {
			continue
		}
		open, err := incident.Unfinished(ctx, d, in)
		if err != nil {
			return fmt.Errorf("the incident of %s: %w", store, err)
		}
		if len(open) == 0 {
			continue
		}
		rep.Incidents = append(rep.Incidents, store+": "+strings.Join(open, ", "))
		if rep.DryRun {
			continue
		}
		if _, _, err := incident.Start(ctx, d, store, in.Reason, now()); err != nil {
			return fmt.Errorf("finish the lockdown of %s: %w", store, err)
		}
	}
	return nil
}

// doctorStore checks and repairs one store's credentials and listing.
func (r *Repo) doctorStore(ctx context.Context, store string, rep *DoctorReport) error {
	entries, err := r.listMetaAll(ctx, records.CredDir(store))
	if err != nil && !errors.Is(err, vault.ErrNotFound) {
		return err
	}
	type finding struct {
		differ []string
		fixed  map[string]string
	}
	found := make([]finding, len(entries))
	err = inParallel(len(entries), reads, func(i int) error {
		e := entries[i]
		if e.meta.Deleted() {
			return nil
		}
		var err error
		found[i].differ, found[i].fixed, _, err = r.mirrorDiff(ctx, store, e.key, e.meta.CustomMetadata)
		return err
	})
	if err != nil {
		return err
	}
	listing := map[string]map[string]string{}
	for i, e := range entries {
		meta := e.meta.CustomMetadata
		if !e.meta.Deleted() {
			rep.Credentials++
		}
		if len(found[i].differ) > 0 {
			rep.Mirrors = append(rep.Mirrors, store+"/"+e.key+": "+strings.Join(found[i].differ, ", "))
			meta = found[i].fixed
			if !rep.DryRun {
				if err := r.c.KV().SetCustomMetadata(ctx, r.mount, records.CredPath(store, e.key), meta); err != nil {
					return err
				}
			}
		}
		listing[e.key] = listingEntry(meta, e.meta.Deleted())
	}
	st, err := r.compareListing(ctx, store, listing)
	if err != nil || st.same {
		return err
	}
	rep.Listings = append(rep.Listings, store)
	if rep.DryRun {
		return nil
	}
	return r.writeListing(ctx, store, listing, st.versions)
}

// doctorOffboardings finishes every offboarding a run left unfinished:
// its progress record has items pending, or its staff record is not yet
// offboarded. It runs the offboarding again, to the successor it named.
func (r *Repo) doctorOffboardings(ctx context.Context, rep *DoctorReport, now func() time.Time) error {
	names, err := r.Members().Offboardings(ctx)
	if err != nil {
		return err
	}
	for _, name := range names {
		p, err := r.Members().LoadOffboarding(ctx, name)
		if err != nil {
			return err
		}
		m, _, err := r.Members().Get(ctx, name)
		if errors.Is(err, errNoRecord) {
			continue // no staff record to offboard any more
		}
		if err != nil {
			return err
		}
		if len(p.Pending) == 0 && m.Status == staff.StatusOffboarded {
			continue
		}
		rep.Offboardings = append(rep.Offboardings, name+" to "+p.HandedTo)
		if rep.DryRun {
			continue
		}
		d := offboard.Deps{Members: r.Members(), Identities: r.Identities(), Tokens: r.Identities(), Contacts: r.Contacts(),
			Creds: r.Creds(), Stores: r.Stores(), Payouts: r.Payouts(), Mirrors: r.Doctor()}
		if _, err := offboard.Run(ctx, d, name, p.HandedTo, false, now); err != nil {
			return fmt.Errorf("finish the offboarding of %s: %w", name, err)
		}
	}
	return nil
}

// mirrorDiff compares a live credential's custom metadata with the mirror
// of its data (records.MirrorDiff), stamped with the version read. A
// caller who may not compute contact IDs (a member) keeps those the
// metadata has. writable is false when the data holds what sellervault
// would not write (a field too long: written around it).
func (r *Repo) mirrorDiff(ctx context.Context, store, name string, meta map[string]string) (differ []string, fixed map[string]string, writable bool, err error) {
	c, version, err := r.Creds().Get(ctx, store, name)
	if err != nil {
		return nil, nil, false, err
	}
	if err := r.withCredentialRefs(ctx, &c); errors.Is(err, vault.ErrDenied) {
		old := records.CredentialFromMetadata(meta)
		c.RecoveryEmailRef, c.RecoveryPhoneRef = old.RecoveryEmailRef, old.RecoveryPhoneRef
	} else if err != nil {
		return nil, nil, false, err
	}
	enc := c.Encode()
	differ, fixed = records.MirrorDiff(meta, records.Stamp(enc.Metadata, version))
	return differ, fixed, enc.Check() == nil, nil
}

// RepairMirror writes a live credential's metadata, and its listing
// entry, again from its data when they differ (a write cut off between
// the data and the metadata); it returns the keys that differed. A
// deleted credential is left alone.
func (f Doctor) RepairMirror(ctx context.Context, store, name string) ([]string, error) {
	r := f.r
	path := records.CredPath(store, name)
	meta, err := r.c.KV().Metadata(ctx, r.mount, path)
	if err != nil || meta.Deleted() {
		return nil, err
	}
	differ, fixed, _, err := r.mirrorDiff(ctx, store, name, meta.CustomMetadata)
	if err != nil || len(differ) == 0 {
		return nil, err
	}
	if err := r.c.KV().SetCustomMetadata(ctx, r.mount, path, fixed); err != nil {
		return nil, err
	}
	return differ, r.relist(ctx, path, fixed)
}

// Check brings every store's credentials' metadata and listings up to
// date with their data (doctor's first two checks), unless dryRun:
// checked is how many live credentials it read, mirrors the credentials
// whose metadata did not mirror their data ("STORE/NAME: what differed"),
// listings the stores whose listing was rebuilt (on a dry run, what it
// would repair). On an error, what it found before it.
func (f Doctor) Check(ctx context.Context, dryRun bool) (checked int, mirrors, listings []string, err error) {
	d := &DoctorReport{DryRun: dryRun}
	err = f.r.doctorStores(ctx, d)
	return d.Credentials, d.Mirrors, d.Listings, err
}

// DryRun makes the store's listings (and the redaction index check)
// repair and rewrite nothing they find stale until end is called: a
// dry run's command is the store's only user while it runs.
func (f Doctor) DryRun() (end func()) { return f.r.dryRun() }

// doctorStores runs doctorStore on every store.
func (r *Repo) doctorStores(ctx context.Context, rep *DoctorReport) error {
	stores, err := r.allStores(ctx)
	if err != nil {
		return err
	}
	for _, s := range stores {
		if err := r.doctorStore(ctx, s.Name, rep); err != nil {
			return fmt.Errorf("store %s: %w", s.Name, err)
		}
	}
	return nil
}

// RepairMirrors is RepairMirror for many credentials (STORE/NAME), a few
// at a time: repaired[i] is what differed for addrs[i]. A credential that
// is not there is skipped; any other failure is returned once every
// credential was tried.
func (f Doctor) RepairMirrors(ctx context.Context, addrs []string) (repaired [][]string, err error) {
	r := f.r
	repaired = make([][]string, len(addrs))
	err = inParallel(len(addrs), reads, func(i int) error {
		store, name, _ := strings.Cut(addrs[i], "/")
		differ, err := r.Doctor().RepairMirror(ctx, store, name)
		repaired[i] = differ
		if errors.Is(err, vault.ErrNotFound) {
			return nil
		}
		return err
	})
	return repaired, err
}
