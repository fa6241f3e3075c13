package attack

import (
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"strings"
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
	clsRedact   = "redaction shard"
	// KV records of the mounts of their own.
	clsProposal     = "payout proposal"
	clsVerification = "payout verification"
	clsNote         = "reminder note"
	// Engines and identity (targets_test.go).
	clsCode          = "TOTP code"
	clsTOTPKey       = "TOTP key"
	clsTOTPKeys      = "TOTP key list"
	clsRedactHMAC    = "redaction HMAC"
	clsRedactKey     = "redaction key"
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
	versions int    // versions written
	deleted  bool   // current version soft-deleted
	metaOnly bool   // metadata without data (reminder notes)

	dataCanary, metaCanary string
}

func (r *record) String() string { return r.mount + "/" + r.key }

// seedRecords is every record path of the layout, for both stores.
func (tm *team) seedRecords() []*record {
	P := tm.l.KV()
	var rs []*record
	add := func(r *record) { rs = append(rs, r) }
	for i, s := range stores {
		add(&record{mount: P, key: "stores/" + s, class: clsProfile, store: s, versions: 1})
		add(&record{mount: P, key: "stores/" + s + "/creds/seller-central", class: clsCred, store: s, versions: 2})
		add(&record{mount: P, key: "stores/" + s + "/creds/ads", class: clsCred, store: s, versions: 1})
		add(&record{mount: P, key: "stores/" + s + "/creds/old", class: clsCred, store: s, versions: 2, deleted: true})
		add(&record{mount: P, key: "stores/" + s + "/payout", class: clsPayout, store: s, versions: 2})
		add(&record{mount: P, key: "contacts/email/support." + s + "@example.com", class: clsMailbox, store: s, versions: 1})
		add(&record{mount: P, key: fmt.Sprintf("contacts/phone/4915100000%02d", i+1), class: clsPhone, store: s, versions: 1})
		add(&record{mount: P, key: "incidents/" + s, class: clsIncident, store: s, versions: 1})
		add(&record{mount: P, key: "decisions/payout/" + s + "/req-1", class: clsDecision, store: s, versions: 1})
		add(&record{mount: tm.l.Proposals(), key: "payout/" + s + "/req-1", class: clsProposal, store: s, versions: 1})
		add(&record{mount: tm.l.Verifications(), key: "payout/" + s, class: clsVerification, store: s, versions: 1})
	}
	for _, name := range []string{"mgr", "fin", "ops", "gone", "nobody"} {
		add(&record{mount: P, key: "staff/" + name, class: clsStaff, person: name, versions: 1})
	}
	add(&record{mount: P, key: "_meta/init", class: clsInit})
	add(&record{mount: P, key: "_meta/settings", class: clsSettings})
	add(&record{mount: P, key: "_meta/redact/00", class: clsRedact, versions: 2})
	add(&record{mount: P, key: "_meta/redact/01", class: clsRedact, versions: 1})
	add(&record{mount: tm.l.Reminders(), key: "slack/ops", class: clsNote, person: "ops", metaOnly: true})
	add(&record{mount: tm.l.Reminders(), key: "email/mgr", class: clsNote, person: "mgr", metaOnly: true})
	for n, r := range rs {
		r.dataCanary = fmt.Sprintf("cnry%s%03dd", tm.runID, n)
		r.metaCanary = fmt.Sprintf("cnry%s%03dm", tm.runID, n)
	}
	return rs
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
// seeds with generate=false and makes the managers' and finance's Transit
// keys.
func (tm *team) seed() error {
	tm.records = tm.seedRecords()
	for _, r := range tm.records {
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
	for _, role := range []string{roleManager, roleFinance} {
		key := tm.l.PersonKey(tm.members[role].entityID)
		if _, err := tm.raw.call(tm.rootTok, "POST", tm.l.Transit()+"/keys/"+key, map[string]interface{}{"type": "aes256-gcm96"}); err != nil {
			return err
		}
	}
	return nil
}

func (tm *team) seedRecord(r *record) error {
	custom := map[string]string{"canary": r.metaCanary, "kind": r.class}
	if r.metaOnly {
		_, err := tm.raw.call(tm.rootTok, "POST", r.mount+"/metadata/"+r.key, map[string]interface{}{"custom_metadata": custom})
		return err
	}
	data := map[string]interface{}{}
	version := 0
	if r.versions == 0 {
		// Written by setup.Run: a new version keeps its fields and adds
		// the canary.
		cur, err := tm.raw.call(tm.rootTok, "GET", r.mount+"/data/"+r.key, nil)
		if err != nil {
			return err
		}
		for k, v := range obj(obj(cur, "data"), "data") {
			data[k] = v
		}
		version = int(obj(obj(cur, "data"), "metadata")["version"].(float64))
		r.versions = version + 1
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
