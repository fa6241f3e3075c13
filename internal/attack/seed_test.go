package attack

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"strings"

	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/setup"
	"github.com/sellervault/sellervault/internal/vault"
)

// Classes of seeded things; expect_test.go says who may do what to each.
const (
	// KV records of the records mount (P/).
	clsProfile  = "store profile"
	clsCred     = "credential"
	clsPayout   = "payout record"
	clsMailbox  = "mailbox"
	clsPhone    = "phone"
	clsStaff    = "staff record"
	clsIncident = "incident"
	clsDecision = "payout decision"
	clsInit     = "init marker"
	clsSettings = "team settings"
	clsDomains  = "team mail domains"
	clsRedact   = "redaction shard" // of one audience (record.audience)
	clsEscrow   = "TOTP seed escrow copy"
	clsOffboard = "offboarding progress"
	clsImport   = "import progress"
	// KV records of the mounts of their own.
	clsProposal     = "payout proposal"
	clsVerification = "payout verification"
	clsNote         = "reminder note"
	// Engines and identity (targets_test.go).
	clsCode          = "TOTP code"
	clsTOTPKey       = "TOTP key"
	clsTOTPKeys      = "TOTP key list"
	clsRedactHMAC    = "redaction HMAC" // with one audience's key (subject.audience)
	clsRedactKey     = "redaction key"  // one audience's key
	clsPersonHMAC    = "person's HMAC"
	clsPersonKey     = "person's key"
	clsTransitKeys   = "Transit key list"
	clsEntity        = "identity entity"
	clsGroup         = "identity group"
	clsLogin         = "userpass login"
	clsPolicy        = "ACL policy"
	clsAppRoleSecret = "reminder secret ID"
)

// record is a seeded KV record with its canaries: dataCanary is in every
// version's data, metaCanary in its custom metadata.
type record struct {
	mount    string
	key      string
	class    string
	store    string // the store it belongs to, "" for none
	person   string // the person it is about (staff records, notes)
	audience string // the redaction audience of an index shard
	versions int    // versions written
	deleted  bool   // current version soft-deleted
	metaOnly bool   // metadata without data (reminder notes)
	// byRepo: written by the product (internal/repo), not by seedRecord;
	// its canaries are a unique value in its data and a key added to its
	// custom metadata (seedByRepo).
	byRepo bool
	// meta and data are more custom metadata and data of a record
	// seedRecord writes (a contact's masked form and its value).
	meta map[string]string
	data map[string]interface{}

	dataCanary, metaCanary string
}

func (r *record) String() string { return r.mount + "/" + r.key }

// legacyAudience stands, in targets, for the Transit key every member
// could call in schema 2 (vault.Layout.LegacyRedactKey), which an
// upgraded team still has and no policy may grant any more.
const legacyAudience = "(schema 2, shared)"

// audiences are the redaction audiences of the seeded team: one per store
// (the fixture's and those seeded through the repository), payout and
// contacts.
func (tm *team) audiences() []string {
	var out []string
	for _, s := range append(append([]string(nil), stores...), payStores...) {
		out = append(out, vault.StoreAudience(s))
	}
	return append(out, vault.AudiencePayout, vault.AudienceContacts)
}

// contactKey is the ID path of a mailbox or phone (records.KindMailbox or
// KindPhone) the way the product names it: a keyed HMAC of the value with
// the contacts audience's key, never the value.
func (tm *team) contactKey(kind, value string) (string, error) {
	ids, err := setup.ContactIDs(context.Background(), tm.root, tm.l, kind, value)
	if err != nil {
		return "", err
	}
	if kind == records.KindMailbox {
		return records.MailboxPath(ids[0]), nil
	}
	return records.PhonePath(ids[0]), nil
}

// seedRecords is every record path of the layout, for both stores. A
// record with versions 0 is written by the product first (setup.Run, the
// repository) and gets one more version with its canary (seedRecord).
func (tm *team) seedRecords() ([]*record, error) {
	P := tm.l.KV()
	var rs []*record
	add := func(r *record) { rs = append(rs, r) }
	for i, s := range stores {
		address, number := "support."+s+"@example.com", fmt.Sprintf("+4915100000%02d", i+1)
		mailbox, err := tm.contactKey(records.KindMailbox, address)
		if err != nil {
			return nil, err
		}
		phone, err := tm.contactKey(records.KindPhone, number)
		if err != nil {
			return nil, err
		}
		add(&record{mount: P, key: "stores/" + s, class: clsProfile, store: s, versions: 1})
		add(&record{mount: P, key: "stores/" + s + "/creds/seller-central", class: clsCred, store: s, versions: 2})
		add(&record{mount: P, key: "stores/" + s + "/creds/ads", class: clsCred, store: s, versions: 1})
		add(&record{mount: P, key: "stores/" + s + "/creds/old", class: clsCred, store: s, versions: 2, deleted: true})
		add(&record{mount: P, key: "stores/" + s + "/payout", class: clsPayout, store: s, versions: 2})
		add(&record{mount: P, key: mailbox, class: clsMailbox, store: s, versions: 1,
			meta: map[string]string{"address": records.MaskEmail(address)}, data: map[string]interface{}{"address": address}})
		add(&record{mount: P, key: phone, class: clsPhone, store: s, versions: 1,
			meta: map[string]string{"number": records.MaskPhone(number)}, data: map[string]interface{}{"number": number}})
		add(&record{mount: P, key: "incidents/" + s, class: clsIncident, store: s, versions: 1})
		add(&record{mount: P, key: "escrow/totp/" + s + "/seller-central", class: clsEscrow, store: s, versions: 1})
		add(&record{mount: P, key: "decisions/payout/" + s + "/req-1", class: clsDecision, store: s, versions: 1})
		add(&record{mount: tm.l.Proposals(), key: "payout/" + s + "/req-1", class: clsProposal, store: s, versions: 1})
		add(&record{mount: tm.l.Verifications(), key: "payout/" + s, class: clsVerification, store: s, versions: 1})
	}
	for _, name := range []string{"mgr", "fin", "ops", "gone", "nobody"} {
		add(&record{mount: P, key: "staff/" + name, class: clsStaff, person: name, versions: 1})
	}
	add(&record{mount: P, key: "_meta/offboarding/gone", class: clsOffboard, person: "gone"})
	add(&record{mount: P, key: "_meta/imports/0123456789abcdef01234567", class: clsImport})
	add(&record{mount: P, key: "_meta/init", class: clsInit})
	add(&record{mount: P, key: "_meta/settings", class: clsSettings})
	add(&record{mount: P, key: "_meta/domains", class: clsDomains})
	// One shard of every audience's index: 00 (the repository may have
	// written it already; it keeps its entries and gets a canary).
	for _, a := range tm.audiences() {
		add(&record{mount: P, key: setup.RedactDir + "/" + a + "/00", class: clsRedact, audience: a})
	}
	add(&record{mount: tm.l.Reminders(), key: "slack/ops", class: clsNote, person: "ops", metaOnly: true})
	add(&record{mount: tm.l.Reminders(), key: "email/mgr", class: clsNote, person: "mgr", metaOnly: true})
	for n, r := range rs {
		r.dataCanary = fmt.Sprintf("cnry%s%03dd", tm.runID, n)
		r.metaCanary = fmt.Sprintf("cnry%s%03dm", tm.runID, n)
	}
	return rs, nil
}

// totpKeys are the TOTP keys seeded per store.
func totpKeys() []struct{ name, store string } {
	var out []struct{ name, store string }
	for _, s := range stores {
		out = append(out, struct{ name, store string }{s + ".seller-central", s}, struct{ name, store string }{s + ".ads", s})
	}
	return out
}

// seed writes every record with root (raw KV writes), imports the TOTP
// seeds with generate=false, makes the managers' and finance's Transit
// keys and the shared redaction key schema 2 left behind, and seeds the
// canary values of the no-oracle tests through the product's repository
// (seedByRepo). Records the product writes first (versions 0) get their
// canary version last.
func (tm *team) seed() error {
	rs, err := tm.seedRecords()
	if err != nil {
		return err
	}
	tm.records = rs
	for _, r := range tm.records {
		if r.versions == 0 && !r.metaOnly || r.byRepo {
			continue
		}
		if err := tm.seedRecord(r); err != nil {
			return fmt.Errorf("%s: %w", r, err)
		}
	}
	for _, k := range totpKeys() {
		seedBytes := make([]byte, 20)
		if _, err := rand.Read(seedBytes); err != nil {
			return err
		}
		seed := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(seedBytes)
		tm.seeds[k.name] = seed
		if _, err := tm.raw.call(tm.rootTok, "POST", tm.l.TOTP()+"/keys/"+k.name, map[string]interface{}{
			"generate": false, "key": seed, "issuer": "Amazon", "account_name": k.store,
			"period": 30, "algorithm": "SHA1", "digits": 6,
		}); err != nil {
			return err
		}
	}
	keys := []string{tm.l.LegacyRedactKey()}
	for _, role := range []string{roleManager, roleFinance} {
		keys = append(keys, tm.l.PersonKey(tm.members[role].entityID))
	}
	for _, key := range keys {
		if _, err := tm.raw.call(tm.rootTok, "POST", tm.l.Transit()+"/keys/"+key, map[string]interface{}{"type": "aes256-gcm96"}); err != nil {
			return err
		}
	}
	if err := tm.seedByRepo(context.Background()); err != nil {
		return fmt.Errorf("seeding through the repository: %w", err)
	}
	for _, r := range tm.records {
		if r.versions != 0 || r.metaOnly || r.byRepo {
			continue
		}
		if err := tm.seedRecord(r); err != nil {
			return fmt.Errorf("%s: %w", r, err)
		}
	}
	return nil
}

func (tm *team) seedRecord(r *record) error {
	custom := map[string]string{"canary": r.metaCanary, "kind": r.class}
	for k, v := range r.meta {
		custom[k] = v
	}
	if r.metaOnly {
		_, err := tm.raw.call(tm.rootTok, "POST", r.mount+"/metadata/"+r.key, map[string]interface{}{"custom_metadata": custom})
		return err
	}
	data := map[string]interface{}{}
	version := 0
	if r.versions == 0 {
		// Written by the product (setup.Run, the repository), or not
		// yet: a new version keeps its fields and adds the canary.
		cur, err := tm.raw.call(tm.rootTok, "GET", r.mount+"/data/"+r.key, nil, 200, 404)
		if err != nil {
			return err
		}
		for k, v := range obj(obj(cur, "data"), "data") {
			data[k] = v
		}
		if v, ok := obj(obj(cur, "data"), "metadata")["version"].(float64); ok {
			version = int(v)
		}
		r.versions = version + 1
	}
	for k, v := range r.data {
		data[k] = v
	}
	data["canary"] = r.dataCanary
	switch r.class {
	case clsCred:
		data["login"], data["password"] = "seller@"+r.store+".example", r.dataCanary
	case clsPayout, clsProposal, clsDecision:
		data["iban"] = "DE89" + strings.ToUpper(r.dataCanary)
	}
	for ; version < r.versions; version++ {
		data["rev"] = version + 1
		if _, err := tm.raw.call(tm.rootTok, "POST", r.mount+"/data/"+r.key, map[string]interface{}{
			"data": data, "options": map[string]interface{}{"cas": version},
		}); err != nil {
			return err
		}
	}
	if _, err := tm.raw.call(tm.rootTok, "POST", r.mount+"/metadata/"+r.key, map[string]interface{}{"custom_metadata": custom}); err != nil {
		return err
	}
	if r.deleted {
		_, err := tm.raw.call(tm.rootTok, "DELETE", r.mount+"/data/"+r.key, nil)
		return err
	}
	return nil
}

// recordAt finds a seeded KV record.
func (tm *team) recordAt(mount, key string) *record {
	for _, r := range tm.records {
		if r.mount == mount && r.key == key {
			return r
		}
	}
	return nil
}

// syncVersions reads each record's current version with root, so that
// check-and-set writes aimed at it carry the right cas (a role's own
// allowed writes, such as finance's verifications, add versions).
func (tm *team) syncVersions() error {
	for _, r := range tm.records {
		if r.metaOnly {
			continue
		}
		m, err := tm.raw.call(tm.rootTok, "GET", r.mount+"/metadata/"+r.key, nil)
		if err != nil {
			return err
		}
		if v, ok := obj(m, "data")["current_version"].(float64); ok {
			r.versions = int(v)
		}
	}
	return nil
}
