package audit

import (
	"path"
	"strings"
)

// Kinds of what a request touched.
const (
	KindCredential     = "credential"          // PREFIX/data/stores/STORE/creds/NAME
	KindTOTPCode       = "totp-code"           // PREFIX-totp/code/STORE.NAME
	KindTOTPKey        = "totp-key"            // PREFIX-totp/keys/STORE.NAME (the seed goes in; it never comes out)
	KindMailbox        = "mailbox"             // PREFIX/data/contacts/email/ID (ADDRESS before schema 3)
	KindPhone          = "phone"               // PREFIX/data/contacts/phone/ID (NUMBER before schema 3)
	KindPayout         = "payout"              // PREFIX/data/stores/STORE/payout
	KindPayoutProposal = "payout-proposal"     // PREFIX-proposals/data/payout/STORE/ID (before: PREFIX/data/proposals/payout/STORE/ID)
	KindPayoutDecision = "payout-decision"     // PREFIX/data/decisions/payout/STORE/ID (before: PREFIX/data/proposals/payout-decisions/STORE/ID)
	KindVerification   = "payout-verification" // PREFIX-verifications/data/payout/STORE (before: PREFIX/data/verifications/payout/STORE)
	KindReminder       = "reminder"            // PREFIX-reminders/metadata/CHANNEL/PERSON (before: PREFIX/metadata/_meta/reminders/CHANNEL/PERSON)
	KindStore          = "store"               // PREFIX/data/stores/STORE
	KindStaff          = "staff"               // PREFIX/data/staff/NAME
	KindIncident       = "incident"            // PREFIX/data/incidents/STORE
	KindMeta           = "meta"                // PREFIX/data/_meta/...: settings, the init marker, redaction shards
	KindTransitHMAC    = "transit-hmac"        // PREFIX-transit/hmac/KEY[/ALGORITHM]
	KindWrap           = "wrap"                // sys/wrapping/wrap (and rewrap): data wrapped by hand, as onboarding does
	KindUnwrap         = "unwrap"              // sys/wrapping/unwrap
	KindLogin          = "login"               // auth/userpass/login/NAME
	KindOther          = "other"               // anything else under the team's mounts
)

// KV v2 APIs of a record path.
const (
	APIData     = "data"
	APIMetadata = "metadata"
	APIDelete   = "delete"
	APIUndelete = "undelete"
	APIDestroy  = "destroy"
)

// Mounts a path can be in (Ref.Mount), named by what follows the prefix.
const (
	MountRecords       = "records"       // PREFIX/: KV v2, only managers write
	MountProposals     = "proposals"     // PREFIX-proposals/: KV v2, finance creates
	MountVerifications = "verifications" // PREFIX-verifications/: KV v2, finance writes
	MountReminders     = "reminders"     // PREFIX-reminders/: KV v2, the reminder AppRole writes metadata
	MountTOTP          = "totp"          // PREFIX-totp/
	MountTransit       = "transit"       // PREFIX-transit/
	MountUserpass      = "userpass"      // auth/userpass/
	MountWrapping      = "wrapping"      // sys/wrapping/
)

// kvMounts are the team's KV v2 mounts, by the suffix that follows the
// prefix in their name.
var kvMounts = map[string]string{"": MountRecords, "-proposals": MountProposals,
	"-verifications": MountVerifications, "-reminders": MountReminders}

// Ref is what a request path refers to.
type Ref struct {
	Kind  string
	Mount string // MountRecords, MountProposals, ...
	API   string // the KV v2 API (data, metadata, delete, undelete, destroy); "" outside KV
	Store string // for store-scoped kinds
	Name  string // credential name, mailbox address, E.164 number, proposal ID, person, CHANNEL/PERSON of a reminder, Transit key, _meta key
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

// WrappingPrefix is the path of Vault's response-wrapping endpoints.
const WrappingPrefix = "sys/wrapping/"

// Dots says whether, and how, a request path had dot-segments.
type Dots uint8

const (
	// DotsNone: no "." or ".." segment, however often the path is decoded.
	DotsNone Dots = iota
	// DotsLogged: the path as Vault logged it has a "." or ".." segment
	// (sent as %2e%2e, %2E%2E, .%2e, %2e. or ./ and decoded once by
	// Vault's HTTP layer). Vault matched its policies against this path,
	// and the KV engine then cleaned the key: the request reached the
	// cleaned path.
	DotsLogged
	// DotsEncoded: the segments appear only once the logged path is
	// percent-decoded again (the client encoded them twice, %252e). Vault
	// took them as names, but a client or proxy that decodes once more
	// would not: the path is classified as if they were dot-segments.
	DotsEncoded
)

// maxDecodeRounds bounds how often a path is percent-decoded: enough for
// any encoding a client could mean (%2e, %252e, %25252e, ...) without
// letting a hostile path cost more than a few passes.
const maxDecodeRounds = 8

// CleanPath returns a request path as the team's engines resolve it:
// percent-decoded (every %XX, repeatedly: %2e, %2E, %252e, %2f ...) and
// cleaned with path.Clean semantics within its mount, and says whether it
// had dot-segments. The mount is taken from the path as logged, since
// that is what Vault routed on; leading slashes are dropped.
//
// In the team's KV v2 mounts (PREFIX, PREFIX-proposals, ...) the API
// segment (data/, metadata/ ...) stays where it is and the key after it
// is cleaned as the KV engine cleans it: "_meta/reminders/../../stores/x"
// is "stores/x"; ".." that would climb above the mount stays at the
// start of the key, where the engine keeps it (the request names no
// record). Elsewhere the rest of the path after the mount is cleaned
// as if rooted at the mount, so it can never leave it. Empty segments
// are dropped; a trailing "/" (a listing) is kept.
func CleanPath(prefix, p string) (string, Dots) {
	p = strings.TrimLeft(p, "/")
	mount, rest, kv := splitMount(prefix, p)
	dots := DotsNone
	if hasDotSegment(rest) {
		dots = DotsLogged
	}
	dec := rest
	if strings.IndexByte(rest, '%') >= 0 {
		dec = decodeAll(rest)
		if dots == DotsNone && hasDotSegment(dec) {
			dots = DotsEncoded
		}
	}
	if dots == DotsNone && dec == rest && !hasEmptyInside(rest) {
		return p, DotsNone // nearly every path: nothing to clean
	}
	if kv {
		api, key, slash := strings.Cut(dec, "/")
		if !slash {
			return mount + api, dots
		}
		return mount + api + "/" + cleanKey(key), dots
	}
	return mount + cleanRooted(dec), dots
}

// splitMount cuts p after its mount: one of the team's (PREFIX/,
// PREFIX-totp/ ...), auth/NAME/, or else its first segment. kv says the
// mount is one of the team's KV v2 mounts.
func splitMount(prefix, p string) (mount, rest string, kv bool) {
	if prefix != "" && strings.HasPrefix(p, prefix) {
		after := p[len(prefix):]
		if i := strings.IndexByte(after, '/'); i >= 0 {
			if _, ok := kvMounts[after[:i]]; ok {
				return p[:len(prefix)+i+1], after[i+1:], true
			}
		}
	}
	n := 1
	if strings.HasPrefix(p, "auth/") {
		n = 2
	}
	i := 0
	for ; n > 0; n-- {
		j := strings.IndexByte(p[i:], '/')
		if j < 0 {
			return p, "", false
		}
		i += j + 1
	}
	return p[:i], p[i:], false
}

// cleanKey cleans a KV v2 key as the engine's storage does (path.Clean,
// then a leading "/" dropped), keeping a trailing "/".
func cleanKey(key string) string {
	if key == "" {
		return ""
	}
	c := strings.TrimPrefix(path.Clean(key), "/")
	if c == "." {
		c = ""
	}
	if c != "" && strings.HasSuffix(key, "/") {
		c += "/"
	}
	return c
}

// cleanRooted cleans rest as a path rooted at its mount, keeping a
// trailing "/".
func cleanRooted(rest string) string {
	if rest == "" {
		return ""
	}
	c := strings.TrimPrefix(path.Clean("/"+rest), "/")
	if c != "" && strings.HasSuffix(rest, "/") {
		c += "/"
	}
	return c
}

// hasDotSegment reports whether a segment of p is "." or "..".
func hasDotSegment(p string) bool {
	for i := 0; i < len(p); {
		j := strings.IndexByte(p[i:], '/')
		seg := p[i:]
		if j >= 0 {
			seg = p[i : i+j]
		}
		if seg == "." || seg == ".." {
			return true
		}
		if j < 0 {
			break
		}
		i += j + 1
	}
	return false
}

// hasEmptyInside reports an empty segment other than a trailing one
// ("a//b", "/a").
func hasEmptyInside(p string) bool {
	return strings.HasPrefix(p, "/") || strings.Contains(p, "//")
}

// decodeAll percent-decodes s until nothing is left to decode, at most
// maxDecodeRounds times. A "%" not followed by two hex digits stays.
func decodeAll(s string) string {
	for round := 0; round < maxDecodeRounds; round++ {
		d, changed := percentDecode(s)
		if !changed {
			break
		}
		s = d
	}
	return s
}

// percentDecode decodes every %XX of s once (any case of hex digit).
func percentDecode(s string) (string, bool) {
	i := strings.IndexByte(s, '%')
	for i >= 0 && !(i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2])) {
		j := strings.IndexByte(s[i+1:], '%')
		if j < 0 {
			return s, false
		}
		i += j + 1
	}
	if i < 0 {
		return s, false
	}
	b := make([]byte, 0, len(s))
	b = append(b, s[:i]...)
	for ; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
			continue
		}
		b = append(b, s[i])
	}
	return string(b), true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}

// MapPath maps a request path to the record it touches, given the team's
// mount prefix (the --mount flag: records in PREFIX/, proposals in
// PREFIX-proposals/, verifications in PREFIX-verifications/, reminder
// notes in PREFIX-reminders/, TOTP keys in PREFIX-totp/, Transit keys in
// PREFIX-transit/). The path is cleaned first (CleanPath): a path with
// dot-segments maps to the record it reached. ok is false for paths
// outside the team's mounts, userpass logins and response wrapping.
// Paths are taken as Vault logs them: relative to the namespace, without
// a leading slash (one is tolerated).
func MapPath(prefix, p string) (ref Ref, ok bool) {
	if prefix == "" {
		return Ref{}, false
	}
	clean, _ := CleanPath(prefix, p)
	return mapClean(prefix, clean)
}

// mapClean is MapPath of a path CleanPath cleaned.
func mapClean(prefix, p string) (Ref, bool) {
	if rest, found := strings.CutPrefix(p, UserpassLoginPrefix); found {
		if rest == "" || strings.Contains(rest, "/") {
			return Ref{Kind: KindOther, Mount: MountUserpass}, true
		}
		return Ref{Kind: KindLogin, Mount: MountUserpass, Name: rest}, true
	}
	if rest, found := strings.CutPrefix(p, WrappingPrefix); found {
		switch rest {
		case "unwrap":
			return Ref{Kind: KindUnwrap, Mount: MountWrapping}, true
		case "wrap", "rewrap":
			return Ref{Kind: KindWrap, Mount: MountWrapping}, true
		}
		return Ref{}, false
	}
	rest, found := strings.CutPrefix(p, prefix)
	if !found {
		return Ref{}, false
	}
	suffix, inner, slash := strings.Cut(rest, "/")
	if !slash {
		return Ref{}, false
	}
	if mount, ok := kvMounts[suffix]; ok {
		return mapKV(mount, inner), true
	}
	switch suffix {
	case "-totp":
		return mapTOTP(inner), true
	case "-transit":
		return mapTransit(inner), true
	}
	return Ref{}, false
}

// mapKV maps a path inside one of the team's KV v2 mounts: API/KEY.
func mapKV(mount, p string) Ref {
	api, key, _ := strings.Cut(p, "/")
	switch api {
	case APIData, APIMetadata, APIDelete, APIUndelete, APIDestroy:
	default:
		return Ref{Kind: KindOther, Mount: mount}
	}
	ref := Ref{Kind: KindOther, Mount: mount, API: api}
	parts := strings.Split(strings.TrimSuffix(key, "/"), "/")
	if key == "" || strings.HasSuffix(key, "/") || hasEmpty(parts) {
		return ref // a folder (listings) or a malformed key
	}
	n := len(parts)
	is := func(want ...string) bool { // parts start with want (""s match anything) and have as many
		if n != len(want) {
			return false
		}
		for i, w := range want {
			if w != "" && parts[i] != w {
				return false
			}
		}
		return true
	}
	switch mount {
	case MountProposals:
		if is("payout", "", "") {
			ref.Kind, ref.Store, ref.Name = KindPayoutProposal, parts[1], parts[2]
		}
		return ref
	case MountVerifications:
		if is("payout", "") {
			ref.Kind, ref.Store = KindVerification, parts[1]
		}
		return ref
	case MountReminders:
		if is("", "") {
			ref.Kind, ref.Name = KindReminder, parts[0]+"/"+parts[1]
		}
		return ref
	}
	switch {
	case is("stores", ""):
		ref.Kind, ref.Store = KindStore, parts[1]
	case is("stores", "", "payout"):
		ref.Kind, ref.Store = KindPayout, parts[1]
	case is("stores", "", "creds", ""):
		ref.Kind, ref.Store, ref.Name = KindCredential, parts[1], parts[3]
	case is("contacts", "email", ""):
		ref.Kind, ref.Name = KindMailbox, parts[2]
	case is("contacts", "phone", ""):
		ref.Kind, ref.Name = KindPhone, "+"+strings.TrimPrefix(parts[2], "+")
	case is("decisions", "payout", "", ""):
		ref.Kind, ref.Store, ref.Name = KindPayoutDecision, parts[2], parts[3]
	case is("proposals", "payout", "", ""): // the layout before PREFIX-proposals/
		ref.Kind, ref.Store, ref.Name = KindPayoutProposal, parts[2], parts[3]
	case is("proposals", "payout-decisions", "", ""): // before decisions/
		ref.Kind, ref.Store, ref.Name = KindPayoutDecision, parts[2], parts[3]
	case is("verifications", "payout", ""): // before PREFIX-verifications/
		ref.Kind, ref.Store = KindVerification, parts[2]
	case is("_meta", "reminders", "", ""): // before PREFIX-reminders/
		ref.Kind, ref.Name = KindReminder, parts[2]+"/"+parts[3]
	case parts[0] == "_meta" && n > 1:
		ref.Kind, ref.Name = KindMeta, strings.Join(parts[1:], "/")
	case is("staff", ""):
		ref.Kind, ref.Name = KindStaff, parts[1]
	case is("incidents", ""):
		ref.Kind, ref.Store = KindIncident, parts[1]
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
		return Ref{Kind: KindOther, Mount: MountTOTP}
	}
	store, name, found := strings.Cut(key, ".")
	if !found || store == "" || name == "" || strings.Contains(key, "/") {
		return Ref{Kind: KindOther, Mount: MountTOTP}
	}
	return Ref{Kind: kind, Mount: MountTOTP, Store: store, Name: name}
}

// mapTransit maps a path inside the Transit engine: hmac/KEY or
// hmac/KEY/ALGORITHM is an HMAC computation; the rest is other.
func mapTransit(p string) Ref {
	op, rest, _ := strings.Cut(p, "/")
	key, _, _ := strings.Cut(rest, "/")
	if op == "hmac" && key != "" && strings.Count(rest, "/") <= 1 {
		return Ref{Kind: KindTransitHMAC, Mount: MountTransit, Name: key}
	}
	return Ref{Kind: KindOther, Mount: MountTransit}
}

func hasEmpty(parts []string) bool {
	for _, p := range parts {
		if p == "" {
			return true
		}
	}
	return false
}
