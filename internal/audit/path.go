package audit

import "strings"

// Kinds of what a request touched.
const (
	KindCredential     = "credential"      // PREFIX/data/stores/STORE/creds/NAME
	KindTOTPCode       = "totp-code"       // PREFIX-totp/code/STORE.NAME
	KindTOTPKey        = "totp-key"        // PREFIX-totp/keys/STORE.NAME (the seed goes in; it never comes out)
	KindMailbox        = "mailbox"         // PREFIX/data/contacts/email/ADDRESS
	KindPhone          = "phone"           // PREFIX/data/contacts/phone/NUMBER
	KindPayout         = "payout"          // PREFIX/data/stores/STORE/payout
	KindPayoutProposal = "payout-proposal" // PREFIX/data/proposals/payout/STORE/ID
	KindPayoutDecision = "payout-decision" // PREFIX/data/proposals/payout-decisions/STORE/ID
	KindStore          = "store"           // PREFIX/data/stores/STORE
	KindStaff          = "staff"           // PREFIX/data/staff/NAME
	KindLogin          = "login"           // auth/userpass/login/NAME
	KindOther          = "other"           // anything else under the team's mounts
)

// KV v2 APIs of a record path.
const (
	APIData     = "data"
	APIMetadata = "metadata"
	APIDelete   = "delete"
	APIUndelete = "undelete"
	APIDestroy  = "destroy"
)

// Ref is what a request path refers to.
type Ref struct {
	Kind  string
	API   string // the KV v2 API (data, metadata, delete, undelete, destroy); "" outside KV
	Store string // for store-scoped kinds
	Name  string // credential name, mailbox address, E.164 number, proposal ID, person
}

// Record names the thing referred to: "acme-us/seller-central" for a
// credential or TOTP key, the store for a payout record, "acme-us/ID" for
// a payout proposal or decision, the address or number for a mailbox or
// phone, the person for a login.
func (r Ref) Record() string {
	switch {
	case r.Store != "" && r.Name != "":
		return r.Store + "/" + r.Name
	case r.Store != "":
		return r.Store
	}
	return r.Name
}

// UserpassLoginPrefix is the path of userpass logins, where the user name
// follows.
const UserpassLoginPrefix = "auth/userpass/login/"

// MapPath maps a request path to the record it touches, given the team's
// mount prefix (the --mount flag: records in PREFIX/, TOTP keys in
// PREFIX-totp/). ok is false for paths outside the team's mounts and
// userpass logins. Paths are taken as Vault logs them: relative to the
// namespace, without a leading slash (one is tolerated).
func MapPath(prefix, path string) (ref Ref, ok bool) {
	path = strings.TrimPrefix(path, "/")
	if prefix == "" {
		return Ref{}, false
	}
	if rest, found := strings.CutPrefix(path, UserpassLoginPrefix); found {
		if rest == "" || strings.Contains(rest, "/") {
			return Ref{Kind: KindOther}, true
		}
		return Ref{Kind: KindLogin, Name: rest}, true
	}
	rest, found := strings.CutPrefix(path, prefix)
	if !found {
		return Ref{}, false
	}
	switch {
	case strings.HasPrefix(rest, "/"):
		return mapKV(rest[1:]), true
	case strings.HasPrefix(rest, "-totp/"):
		return mapTOTP(rest[len("-totp/"):]), true
	}
	return Ref{}, false
}

// mapKV maps a path inside the KV v2 mount: API/KEY.
func mapKV(p string) Ref {
	api, key, _ := strings.Cut(p, "/")
	switch api {
	case APIData, APIMetadata, APIDelete, APIUndelete, APIDestroy:
	default:
		return Ref{Kind: KindOther}
	}
	ref := Ref{Kind: KindOther, API: api}
	parts := strings.Split(strings.TrimSuffix(key, "/"), "/")
	if key == "" || strings.HasSuffix(key, "/") || hasEmpty(parts) {
		return ref // a folder (listings) or a malformed key
	}
	switch {
	case parts[0] == "stores" && len(parts) == 2:
		ref.Kind, ref.Store = KindStore, parts[1]
	case parts[0] == "stores" && len(parts) == 3 && parts[2] == "payout":
		ref.Kind, ref.Store = KindPayout, parts[1]
	case parts[0] == "stores" && len(parts) == 4 && parts[2] == "creds":
		ref.Kind, ref.Store, ref.Name = KindCredential, parts[1], parts[3]
	case parts[0] == "contacts" && len(parts) == 3 && parts[1] == "email":
		ref.Kind, ref.Name = KindMailbox, parts[2]
	case parts[0] == "contacts" && len(parts) == 3 && parts[1] == "phone":
		ref.Kind, ref.Name = KindPhone, "+"+strings.TrimPrefix(parts[2], "+")
	case parts[0] == "proposals" && len(parts) == 4 && parts[1] == "payout":
		ref.Kind, ref.Store, ref.Name = KindPayoutProposal, parts[2], parts[3]
	case parts[0] == "proposals" && len(parts) == 4 && parts[1] == "payout-decisions":
		ref.Kind, ref.Store, ref.Name = KindPayoutDecision, parts[2], parts[3]
	case parts[0] == "staff" && len(parts) == 2:
		ref.Kind, ref.Name = KindStaff, parts[1]
	}
	return ref
}

// mapTOTP maps a path inside the TOTP engine: code/STORE.NAME or
// keys/STORE.NAME (names hold no dots, so the first dot splits them).
func mapTOTP(p string) Ref {
	op, key, _ := strings.Cut(p, "/")
	kind := ""
	switch op {
	case "code":
		kind = KindTOTPCode
	case "keys":
		kind = KindTOTPKey
	default:
		return Ref{Kind: KindOther}
	}
	store, name, found := strings.Cut(key, ".")
	if !found || store == "" || name == "" || strings.Contains(key, "/") {
		return Ref{Kind: KindOther}
	}
	return Ref{Kind: kind, Store: store, Name: name}
}

func hasEmpty(parts []string) bool {
	for _, p := range parts {
		if p == "" {
			return true
		}
	}
	return false
}
