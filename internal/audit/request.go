package audit

import (
	"strings"
	"time"
)

// readKinds are the records whose reads are reported.
var readKinds = map[string]bool{KindCredential: true, KindTOTPCode: true, KindMailbox: true, KindPhone: true,
	KindPayout: true, KindPayoutProposal: true, KindPayoutDecision: true}

func isPayoutKind(kind string) bool {
	return kind == KindPayout || kind == KindPayoutProposal || kind == KindPayoutDecision
}

// isRecordWrite tells whether a change to ref is a write the roles
// govern: anything in the team's KV mounts (records, their metadata and
// settings, the mounts' config) and TOTP keys. Transit HMACs, TOTP code
// checks and response wrapping are "update"s that write nothing.
func isRecordWrite(ref Ref) bool {
	switch ref.Mount {
	case MountRecords, MountProposals, MountVerifications, MountReminders:
		return true
	}
	return ref.Kind == KindTOTPKey
}

// reminderApp is the reminder job's AppRole as the report knows it: by
// its token's display name, which for AppRole logins starts "approle".
func reminderApp(display string) *Person {
	return &Person{Name: display, Role: RoleReminder}
}

// person finds who made a request: the directory's person, the reminder
// AppRole, or nobody the report knows (then name is Vault's display name).
func (a *Analyzer) person(who owner) (p *Person, known bool, name string) {
	if p, known = a.opts.People.resolve(who.entity, who.display); known {
		return p, true, p.Name
	}
	if strings.HasPrefix(who.display, "approle") {
		return reminderApp(who.display), true, who.display
	}
	return nil, false, who.display
}

// request turns one request into an event and its flags.
func (a *Analyzer) request(c call) {
	ref := c.info.ref
	if ref.Kind == KindUnwrap && c.origin == nil {
		return // a response wrapped before the log begins, or not from the team's paths
	}
	var p *Person
	known := false
	name := c.who.display
	viaWrapToken := false // an unwrap sent with the wrapping token itself: no identity
	switch {
	case ref.Kind == KindLogin:
		// A login request carries the token of whoever sent it (often
		// none); the person is the one named in the path.
		name = ref.Name
		if p, known = a.opts.People.ByEntity(c.who.entity); !known {
			p, known = a.opts.People.ByName(ref.Name)
		}
		if known {
			name = p.Name
		}
	case ref.Kind == KindUnwrap && c.who == (owner{}):
		// Put to the wrapper: whoever held the token opened their response.
		viaWrapToken = true
		p, known, name = a.person(c.origin.who)
	default:
		p, known, name = a.person(c.who)
	}
	if name == "" {
		name = "unknown"
	}
	act := action(c.op)
	ev := Event{Time: c.at, Person: name, EntityID: c.who.entity, Action: act, Operation: c.op, Kind: ref.Kind,
		Record: c.info.record, Store: ref.Store, Result: c.result, Note: c.note}
	target := ref // what was read or written: for an unwrap, what was wrapped
	if ref.Kind == KindUnwrap {
		target = c.origin.info.ref
		ev.Action, ev.Kind, ev.Record, ev.Store = ActionUnwrap, target.Kind, c.origin.info.record, target.Store
		ev.Note = joinNote(ev.Note, a.unwrapNote(c, viaWrapToken))
		if c.result == ResultOK && c.origin.unwrapped.IsZero() {
			c.origin.unwrapped = c.at // a wrapping token opens once: a later try is worth a note
		}
	}
	if ref.Kind == KindLogin {
		ev.Action, ev.EntityID = ActionLogin, ""
		if known {
			ev.EntityID = p.EntityID
		}
	}
	if known {
		ev.Role = p.Role
	}
	if c.viaToken {
		ev.Note = joinNote(ev.Note, "known by the same token in earlier requests")
	}
	if c.wrapping {
		ev.Note = joinNote(ev.Note, "response wrapped (a single-use token)")
	}
	if c.err != "" && c.result != ResultUnanswered {
		ev.Note = joinNote(ev.Note, "Vault logged the error with the request and wrote no response entry")
	}
	var flags []Flag
	flag := func(kind, detail string) {
		ev.Flags = append(ev.Flags, kind)
		flags = append(flags, Flag{Kind: kind, Time: c.at, Person: name, Role: ev.Role, RecordKind: ev.Kind,
			Record: ev.Record, Store: ev.Store, Detail: detail})
	}
	done := c.result == ResultOK || c.result == ResultUnanswered // it happened, or may have
	isRead := act == ActionRead && readKinds[ref.Kind] && (ref.API == "" || ref.API == APIData)
	isWrite := act == ActionChange && isRecordWrite(ref)
	isPayoutChange := isWrite && isPayoutKind(ref.Kind)
	isUnwrap := ref.Kind == KindUnwrap
	leaver := known && p.gone() && afterLeaving(p, c.at, c.result)
	if ref.Kind == KindLogin && !leaver && c.info.dots == DotsNone {
		return // logins are reported only for people who have left
	}
	if c.info.dots != DotsNone {
		flag(FlagDotSegment, dotDetail(c.info, c.uri))
	}
	if isUnwrap && done {
		if wp, ok, wname := a.person(c.origin.who); ok && wp.Offboarded && (wp.OffboardedAt.IsZero() || !c.at.Before(wp.OffboardedAt)) {
			flag(FlagUnwrapAfter, "wrapped by "+wname+" at "+c.origin.at.UTC().Format(time.RFC3339)+", "+leftDetail(wp)+
				": a wrapped response outlived their offboarding")
		}
	}
	if c.result == ResultDenied {
		flag(FlagDenied, joinNote("permission denied", c.note))
	}
	if known && (isRead || isUnwrap && !viaWrapToken && readKinds[target.Kind]) {
		if ok, rule := p.mayRead(target); !ok {
			flag(rule, outsideDetail(p, target, rule, false))
		}
	}
	if known && isWrite {
		if !p.mayWrite(ref) {
			flag(FlagOutsideRole, outsideDetail(p, ref, FlagOutsideRole, true))
		}
	}
	if leaver && !viaWrapToken {
		flag(FlagOffboarded, leftDetail(p))
	}
	if isPayoutChange && done {
		detail := c.op + " " + strings.ReplaceAll(ref.Kind, "-", " ")
		if ref.API != APIData {
			detail += " (" + ref.API + ")"
		}
		if c.result == ResultUnanswered {
			detail += " (no response logged: it may not have happened)"
		}
		flag(FlagPayoutChange, detail)
	}
	if !known && a.opts.People != nil && (isRead || isPayoutChange) && done {
		detail := "not a member of the team"
		if c.who.display == "root" {
			detail = "the root token: revoke it after init"
		} else if c.who.display != "" {
			detail += " (Vault display name " + c.who.display + ")"
		}
		flag(FlagNotStaff, detail)
	}
	if ref.Kind == KindTransitHMAC && c.inputs > 0 && done {
		a.volume(name, ev.Role, c.at, c.inputs, ref.Name)
	}
	if !isRead && !isPayoutChange && !isUnwrap && ref.Kind != KindLogin && c.result != ResultDenied && len(flags) == 0 {
		return // routine: a listing, a metadata read, a write its role may make, an HMAC
	}
	idx := -1
	if a.keep(ev.Person, ev.Store) {
		idx = len(a.events)
		a.events = append(a.events, ev)
	}
	if isRead && c.result != ResultUnanswered {
		a.burst(name, ev.Role, c.at, ref.Store, idx)
	}
	for i := 1; i < len(flags); i++ { // in the order of the event's flags
		for j := i; j > 0 && flagOrder[flags[j].Kind] < flagOrder[flags[j-1].Kind]; j-- {
			flags[j], flags[j-1] = flags[j-1], flags[j]
		}
	}
	for _, f := range flags {
		if a.keep(f.Person, f.Store) {
			a.flags = append(a.flags, f)
		}
	}
}

// unwrapNote says what an unwrap opened: who wrapped what, and when.
func (a *Analyzer) unwrapNote(c call, viaWrapToken bool) string {
	w := c.origin
	_, _, wname := a.person(w.who)
	if wname == "" {
		wname = "unknown"
	}
	note := "wrapped by " + wname + " at " + w.at.UTC().Format(time.RFC3339)
	if w.info.ref.Kind == KindWrap {
		note += " (data wrapped by hand: sys/wrapping/wrap)"
	}
	if viaWrapToken {
		note += "; unwrapped with the wrapping token itself (no identity: whoever held it)"
	}
	if !w.unwrapped.IsZero() {
		note += "; already unwrapped at " + w.unwrapped.UTC().Format(time.RFC3339)
	}
	return note
}

func (a *Analyzer) keep(person, store string) bool {
	return a.staffMatch(person) && (a.opts.Store == "" || store == a.opts.Store)
}

// staffMatch: --staff olga keeps olga, and, for someone the directory
// does not know, Vault's display name userpass-olga.
func (a *Analyzer) staffMatch(person string) bool {
	return a.opts.Staff == "" || person == a.opts.Staff || person == "userpass-"+a.opts.Staff
}
