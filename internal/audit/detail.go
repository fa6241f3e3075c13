package audit

import (
	"strings"
	"time"

	"github.com/sellervault/sellervault/internal/records"
)

// maxPathShown is how much of a path a flag shows: a hostile log can
// hold paths of megabytes.
const maxPathShown = 300

// dotDetail names the path with dot-segments as Vault logged it, and as
// the client sent it when Vault logged that too (request_uri, without
// its query, which may hold values); the address or number of a mailbox
// or phone it reached is masked.
func dotDetail(info refInfo, uri string) string {
	p := shownPath(info, info.path)
	var d string
	if info.dots == DotsEncoded {
		d = "dot-segments once the logged path is decoded again (sent encoded twice; Vault took them as names): " + p
	} else {
		d = "dot-segments in the path, which Vault's policies matched before the engine resolved it: " + p
	}
	uri, _, _ = strings.Cut(uri, "?")
	if sent := strings.TrimPrefix(uri, "/v1/"); sent != "" && sent != info.path {
		d += " (sent as " + shownPath(info, sent) + ")"
	}
	return d
}

// shownPath is a path as a flag shows it: a mailbox's or phone's last
// segment masked, a hostile length cut.
func shownPath(info refInfo, p string) string {
	if k := info.ref.Kind; k == KindMailbox || k == KindPhone {
		if i := strings.LastIndexByte(p, '/'); i >= 0 {
			p = p[:i+1] + info.record
		}
	}
	if len(p) > maxPathShown {
		p = p[:maxPathShown] + "…"
	}
	return p
}

func joinNote(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}

// displayRecord names a record for the report: a mailbox or phone by
// its ID (schema 3), or, in a log of an earlier layout that kept them
// under their values, by its address or number masked, as inventories
// show them.
func displayRecord(ref Ref) string {
	if records.IsContactID(ref.Name) {
		return ref.Name
	}
	switch ref.Kind {
	case KindMailbox:
		return records.MaskEmail(ref.Name)
	case KindPhone:
		return records.MaskPhone(ref.Name)
	}
	return ref.Record()
}

// kindWords names a kind of record in a sentence.
func kindWords(ref Ref) string {
	switch ref.Kind {
	case KindOther:
		if ref.API == "" {
			return "the " + ref.Mount + " mount's settings"
		}
		return "a key of the " + ref.Mount + " mount"
	case KindMeta:
		return "a _meta record"
	case KindTOTPKey:
		return "a TOTP key"
	case KindTOTPCode:
		return "a TOTP code"
	}
	return "a " + strings.ReplaceAll(ref.Kind, "-", " ")
}

func roleWords(role string) string {
	switch role {
	case "":
		return "no role"
	case RoleReminder:
		return "the reminder job (it writes its notes in the reminders mount only)"
	}
	return role
}

func outsideDetail(p *Person, ref Ref, rule string, change bool) string {
	if rule == FlagOutsideStores {
		stores := "no store"
		if len(p.Stores) > 0 {
			stores = strings.Join(p.Stores, ",")
		}
		return "store " + ref.Store + " is not theirs (" + stores + ")"
	}
	if change {
		return "changing " + kindWords(ref) + " is not for " + roleWords(p.Role)
	}
	return strings.TrimPrefix(kindWords(ref), "a ") + " is not for " + roleWords(p.Role)
}

// afterLeaving tells whether a request of someone who has left came after
// they left. The staff record keeps the offboarding time to the second: a
// request that succeeded within that second is taken to be from before
// (offboarding disables the identity first, so later ones cannot succeed).
// A disabled identity without an offboarding time: every refused request.
func afterLeaving(p *Person, at time.Time, result string) bool {
	switch {
	case p.Offboarded && !p.OffboardedAt.IsZero():
		return !at.Before(p.OffboardedAt) && (result != ResultOK || !at.Before(p.OffboardedAt.Add(time.Second)))
	case p.Offboarded:
		return true
	}
	return result != ResultOK
}

func leftDetail(p *Person) string {
	switch {
	case p.Offboarded && !p.OffboardedAt.IsZero():
		return "offboarded at " + p.OffboardedAt.UTC().Format(time.RFC3339)
	case p.Offboarded:
		return "offboarded"
	}
	return "identity disabled"
}
