package audit

import (
	"bytes"
	"sort"
	"strings"
	"time"

	"github.com/sellervault/sellervault/internal/records"
)

// Flags.
const (
	FlagDotSegment    = "dot-segment"              // a "." or ".." segment in a request path, decoded or not: a traversal past the policies
	FlagOffboarded    = "offboarded"               // a request by someone offboarded or disabled, after that happened
	FlagUnwrapAfter   = "unwrap-after-offboarding" // a response wrapped by someone who has since been offboarded, unwrapped after that
	FlagOutsideStores = "outside-stores"           // a login or code of a store the person does not work on
	FlagOutsideRole   = "outside-role"             // a record their role may not read, or may not write
	FlagNotStaff      = "not-staff"                // a record read or change by a token of no team member (root, another team)
	FlagDenied        = "denied"                   // Vault refused it: permission denied
	FlagPayoutChange  = "payout-change"            // a write to a payout record, a proposal or a decision
	FlagBurst         = "burst"                    // more than BurstReads record reads within BurstWindow
	FlagHMACVolume    = "hmac-volume"              // more than HMACInputs Transit HMAC inputs within HMACWindow
)

// Results of a request.
const (
	ResultOK         = "ok"
	ResultDenied     = "denied"     // permission denied (no right, or a revoked or expired token)
	ResultFailed     = "failed"     // another error: not found, a check-and-set conflict, a bad login, a used wrapping token
	ResultUnanswered = "unanswered" // a request entry with no response entry in the log
)

// Actions, from Vault's operation.
const (
	ActionRead   = "read"
	ActionList   = "list"
	ActionChange = "change" // create, update, patch, delete
	ActionLogin  = "login"
	ActionUnwrap = "unwrap" // a wrapped response opened
)

// Burst defaults: more than 20 record reads by one person within 5 minutes.
const (
	DefaultBurstReads  = 20
	DefaultBurstWindow = 5 * time.Minute
)

// HMAC volume defaults: more than 5,000 Transit HMAC inputs by one person
// within an hour. The team's own work stays far below: `redact` sends
// Transit only the candidates whose length and shape match an indexed
// form, tens per run even for a megabyte of chat (measured with the
// redact package's test team of 300 to 3,000 values); `redact --reindex`
// HMACs each indexed form once, about 1.2 per value, so a team of 4,000
// values fits; every signed write is one input. Guessing values against
// the redaction index (an oracle: a dictionary of passwords, the phone
// numbers of an area code, account numbers of a bank) needs thousands to
// millions of inputs, and batch_input makes them cheap to send; an hour
// is long enough that spreading guesses over a working day still adds up
// to a flag every hour, short enough that a day's legitimate redacting
// never does.
const (
	DefaultHMACInputs = 5000
	DefaultHMACWindow = time.Hour
)

// Options configure an analysis.
type Options struct {
	// Prefix is the team's mount prefix (records in PREFIX/, proposals in
	// PREFIX-proposals/ ..., TOTP keys in PREFIX-totp/).
	Prefix string
	// People maps entity IDs and names to team members; nil knows nobody.
	People *Directory
	// Since drops requests before it; zero keeps all.
	Since time.Time
	// BurstReads and BurstWindow: more than BurstReads record reads by one
	// person within BurstWindow is a burst (defaults 20 and 5m).
	BurstReads  int
	BurstWindow time.Duration
	// HMACInputs and HMACWindow: more than HMACInputs Transit HMAC inputs
	// by one person within HMACWindow is flagged (defaults 5000 and 1h).
	HMACInputs int
	HMACWindow time.Duration
	// Staff and Store keep only the events and flags of one person or one
	// store; bursts and HMAC volumes are still counted over all of the
	// person's requests.
	Staff, Store string
}

// Event is one request to a record: a read of a login, TOTP code,
// mailbox, phone or payout record, proposal or decision; a change to a
// payout record, proposal or decision; a write its writer's role may not
// make; an unwrap of a response wrapped from the team's paths; a request
// whose path has dot-segments; any request Vault refused; a login attempt
// by someone who has left.
type Event struct {
	Time      time.Time
	Person    string // staff name; for others Vault's display name ("root"); "unknown" if none
	Role      string // ops, finance, manager, reminder (the reminder AppRole); "" if not a team member
	EntityID  string
	Action    string // read, list, change, login, unwrap
	Operation string // Vault's operation
	Kind      string // credential, totp-code, mailbox, phone, payout, payout-proposal, ...
	Record    string // masked for mailboxes and phones
	Store     string
	Result    string   // ok, denied, failed, unanswered
	Flags     []string // flag kinds, in a fixed order
	Note      string   // how the person was known, when not from the entry itself; what an unwrap opened
}

// Flag is something to look into.
type Flag struct {
	Kind       string
	Time       time.Time
	Until      time.Time // bursts and HMAC volumes: the last request; zero otherwise
	Person     string
	Role       string
	RecordKind string
	Record     string
	Store      string
	Count      int // bursts: the reads in it; HMAC volumes: the inputs
	Detail     string
	stores     []string // bursts: the stores read in it; HMAC volumes: the Transit keys
}

// Stats count what was read.
type Stats struct {
	Lines      int       // non-empty lines
	Malformed  int       // lines about the team that are not valid audit entries (cut short, not JSON), and lines too long
	Other      int       // lines not about the team's mounts or logins (not decoded)
	Requests   int       // requests about the team counted (one per request: its response entry)
	Unanswered int       // of those, request entries with no response entry
	First      time.Time // the earliest and latest time of a counted request
	Last       time.Time
}

// Report is the outcome of an analysis.
type Report struct {
	Events []Event
	Flags  []Flag
	Stats  Stats
	Burst  struct {
		Reads  int
		Window time.Duration
	}
	HMAC struct {
		Inputs int
		Window time.Duration
	}
}

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

// Analyzer turns audit log lines into a report, one line at a time.
type Analyzer struct {
	opts  Options
	marks [][]byte // what a relevant line's request path starts with, JSON-quoted

	raw     rawEntry
	strs    map[string]string // interned strings: paths, names, IDs
	refs    map[string]refInfo
	tokens  map[string]owner // request.client_token HMAC → who used it
	pending map[string]call
	bursts  map[string]*burstState
	volumes map[string]*volumeState
	wraps   map[string]*wrapped // wrapping token HMAC and accessor HMAC → the response wrapped

	events []Event
	flags  []Flag
	stats  Stats
}

type refInfo struct {
	ref    Ref
	ok     bool
	record string // displayRecord(ref), made once
	path   string // the path as logged
	dots   Dots
}

type owner struct{ entity, display string }

// call is one request as the report needs it; a request entry waiting
// for its response entry is one too.
type call struct {
	at       time.Time
	info     refInfo
	op       string
	result   string
	who      owner
	viaToken bool
	note     string
	err      string   // a request entry's own error (Vault writes no response entry for some)
	uri      string   // the URI as sent, kept for a path with dot-segments
	inputs   int      // Transit HMAC inputs
	origin   *wrapped // an unwrap: the response it opened, when the log showed it wrapped
	wrapping bool     // the response was wrapped
}

// wrapped is a response Vault wrapped, from a path of the team's.
type wrapped struct {
	at        time.Time
	who       owner
	info      refInfo // the path whose response was wrapped
	unwrapped time.Time
}

// NewAnalyzer starts an analysis.
func NewAnalyzer(opts Options) *Analyzer {
	if opts.BurstReads <= 0 {
		opts.BurstReads = DefaultBurstReads
	}
	if opts.BurstWindow <= 0 {
		opts.BurstWindow = DefaultBurstWindow
	}
	if opts.HMACInputs <= 0 {
		opts.HMACInputs = DefaultHMACInputs
	}
	if opts.HMACWindow <= 0 {
		opts.HMACWindow = DefaultHMACWindow
	}
	a := &Analyzer{opts: opts, strs: map[string]string{}, refs: map[string]refInfo{}, tokens: map[string]owner{},
		pending: map[string]call{}, bursts: map[string]*burstState{}, volumes: map[string]*volumeState{},
		wraps: map[string]*wrapped{}}
	if opts.Prefix != "" {
		// PREFIX- covers every mount of the team's (-totp, -transit,
		// -proposals ...); a line about another mount that starts so is
		// decoded and then passed over.
		for _, m := range []string{opts.Prefix + "/", opts.Prefix + "-", "/" + opts.Prefix + "/", "/" + opts.Prefix + "-",
			UserpassLoginPrefix, WrappingPrefix} {
			// Vault writes "/" as it is; some re-encoders write "\/".
			a.marks = append(a.marks, []byte(m), []byte(strings.ReplaceAll(m, "/", `\/`)))
		}
	}
	return a
}

var pathKey = []byte(`"path"`)

// relevant is the quick test on a line's bytes before decoding it: does a
// "path" key name the team's mounts, a userpass login or response
// wrapping? A request about the team always passes; a line that passes is
// then decoded and checked properly.
func (a *Analyzer) relevant(line []byte) bool {
	for rest := line; ; {
		i := bytes.Index(rest, pathKey)
		if i < 0 {
			return false
		}
		rest = rest[i+len(pathKey):]
		j := 0
		for j < len(rest) && isSpace(rest[j]) {
			j++
		}
		if j == len(rest) || rest[j] != ':' {
			continue
		}
		j++
		for j < len(rest) && isSpace(rest[j]) {
			j++
		}
		if j == len(rest) || rest[j] != '"' {
			continue
		}
		v := rest[j+1:]
		for _, m := range a.marks {
			if bytes.HasPrefix(v, m) {
				return true
			}
		}
	}
}

// intern returns b as a string, the same string every time.
func (a *Analyzer) intern(b []byte) string {
	if s, ok := a.strs[string(b)]; ok {
		return s
	}
	if len(a.strs) > 1<<20 { // a hostile log of unique strings: stop sharing, keep working
		return string(b)
	}
	s := string(b)
	a.strs[s] = s
	return s
}

func (a *Analyzer) mapPath(path []byte) refInfo {
	if r, ok := a.refs[string(path)]; ok {
		return r
	}
	p := a.intern(path)
	info := refInfo{path: p}
	if a.opts.Prefix != "" {
		var clean string
		clean, info.dots = CleanPath(a.opts.Prefix, p)
		info.ref, info.ok = mapClean(a.opts.Prefix, clean)
		if !info.ok && info.dots != DotsNone {
			// Dot-segments that lead out of what the report maps (a
			// userpass path that is no login) still came in by the team's.
			if raw, ok := mapClean(a.opts.Prefix, strings.TrimLeft(p, "/")); ok {
				info.ref, info.ok = Ref{Kind: KindOther, Mount: raw.Mount}, true
			}
		}
	}
	info.record = displayRecord(info.ref)
	if len(a.refs) < 1<<20 {
		a.refs[p] = info
	}
	return info
}

// Line reads one line of the log (without its newline).
func (a *Analyzer) Line(line []byte) {
	line = bytes.TrimRight(line, "\r\n")
	if len(bytes.TrimSpace(line)) == 0 {
		return
	}
	a.stats.Lines++
	if !a.relevant(line) {
		a.stats.Other++
		return
	}
	e := &a.raw
	if err := parseRaw(line, e); err != nil {
		a.stats.Malformed++
		return
	}
	at, ok := parseTime(e.time)
	if !ok || len(e.reqPath) == 0 {
		a.stats.Malformed++
		return
	}
	info := a.mapPath(e.reqPath)
	ref := info.ref
	if !info.ok {
		a.stats.Other++
		return
	}
	who := owner{entity: a.intern(e.authEntity), display: a.intern(e.authDisplay)}
	if ref.Kind == KindLogin { // who logged in, not whose token sent the login
		who = owner{entity: a.intern(e.respEntity), display: a.intern(e.respDisplay)}
	}
	viaToken := false
	if ref.Kind != KindLogin && ref.Kind != KindUnwrap && len(e.reqToken) > 0 {
		if who.entity == "" && who.display == "" {
			who, viaToken = a.tokens[string(e.reqToken)]
		} else if known, seen := a.tokens[string(e.reqToken)]; (!seen && len(a.tokens) < 1<<20) || seen && known != who {
			a.tokens[string(e.reqToken)] = who
		}
	}
	c := call{at: at, info: info, op: a.intern(e.reqOp), who: who, viaToken: viaToken}
	if info.dots != DotsNone {
		c.uri = string(e.reqURI)
	}
	switch ref.Kind {
	case KindTransitHMAC:
		c.inputs = e.batch
		if c.inputs == 0 && e.input {
			c.inputs = 1
		}
	case KindUnwrap:
		// sys/wrapping/unwrap names the wrapping token in its data; an
		// unwrap sent with the wrapping token itself has it as the
		// client token (and its accessor as the request's).
		for _, key := range [][]byte{e.dataToken, e.authToken, e.reqAccessor} {
			if w := a.wraps[string(key)]; len(key) > 0 && w != nil {
				c.origin = w
				break
			}
		}
	}
	switch string(e.typ) {
	case "request":
		if len(e.reqID) > 0 && !at.Before(a.opts.Since) && (a.mayMatter(c) || len(e.err) > 0) {
			c.err = a.intern(e.err)
			a.pending[string(e.reqID)] = c
		}
		return
	case "response":
	default:
		a.stats.Malformed++
		return
	}
	if _, ok := a.pending[string(e.reqID)]; ok {
		delete(a.pending, string(e.reqID))
	}
	c.result = outcome(e.err, e.respErr)
	c.note = errorNote(e.err)
	if c.result == ResultOK && (len(e.wrapToken) > 0 || len(e.wrapAccessor) > 0) {
		c.wrapping = a.wrap(at, who, info, e)
	}
	if at.Before(a.opts.Since) {
		return
	}
	a.count(at)
	a.request(c)
}

// wrap remembers a response Vault wrapped, when it came from one of the
// team's paths (or sys/wrapping/wrap, as onboarding wraps a first
// login), for the unwrap to come. A rewrap keeps the first wrapper.
func (a *Analyzer) wrap(at time.Time, who owner, info refInfo, e *rawEntry) bool {
	w := &wrapped{at: at, who: who, info: a.mapPath(e.wrapPath)}
	if !w.info.ok || w.info.ref.Kind == KindUnwrap {
		return false
	}
	if old := a.wraps[string(e.dataToken)]; info.ref.Kind == KindWrap && len(e.dataToken) > 0 && old != nil {
		w.at, w.who, w.info = old.at, old.who, old.info // sys/wrapping/rewrap
	}
	if len(a.wraps) < 1<<20 {
		for _, key := range [][]byte{e.wrapToken, e.wrapAccessor} {
			if len(key) > 0 {
				a.wraps[a.intern(key)] = w
			}
		}
	}
	return true
}

// mayMatter says whether a request entry might make an event or count
// towards a flag, and so is kept until its response entry comes: plain
// listings, metadata reads, TOTP code checks never do.
func (a *Analyzer) mayMatter(c call) bool {
	ref := c.info.ref
	switch action(c.op) {
	case ActionRead:
		return readKinds[ref.Kind] && (ref.API == "" || ref.API == APIData) || c.info.dots != DotsNone
	case ActionList:
		return c.info.dots != DotsNone
	}
	return isRecordWrite(ref) || ref.Mount == MountWrapping || ref.Kind == KindTransitHMAC || ref.Kind == KindLogin ||
		c.info.dots != DotsNone
}

func (a *Analyzer) count(at time.Time) {
	a.stats.Requests++
	if a.stats.First.IsZero() || at.Before(a.stats.First) {
		a.stats.First = at
	}
	if at.After(a.stats.Last) {
		a.stats.Last = at
	}
}

var (
	permissionDenied = []byte("permission denied")
	invalidToken     = []byte("invalid token")
	invalidWrapping  = []byte("wrapping token is not valid")
)

// outcome reads a response entry's error: the outer error (Vault's own
// text, not HMAC'd; classified, never printed), or an error in the
// response data (HMAC'd: only its presence counts).
func outcome(err []byte, dataErr bool) string {
	switch {
	case bytes.Contains(err, permissionDenied):
		return ResultDenied
	case len(err) > 0 || dataErr:
		return ResultFailed
	}
	return ResultOK
}

func errorNote(err []byte) string {
	switch {
	case bytes.Contains(err, invalidToken):
		return "the token was no longer valid (revoked or expired)"
	case bytes.Contains(err, invalidWrapping):
		return "the wrapping token was already used, had expired or was revoked"
	}
	return ""
}

func action(op string) string {
	switch op {
	case "read":
		return ActionRead
	case "list":
		return ActionList
	}
	return ActionChange
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

func (a *Analyzer) keep(person, store string) bool {
	return a.staffMatch(person) && (a.opts.Store == "" || store == a.opts.Store)
}

// staffMatch: --staff olga keeps olga, and, for someone the directory
// does not know, Vault's display name userpass-olga.
func (a *Analyzer) staffMatch(person string) bool {
	return a.opts.Staff == "" || person == a.opts.Staff || person == "userpass-"+a.opts.Staff
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

// burstState is one person's recent record reads.
type burstState struct {
	times  []time.Time
	events []int    // their events' indexes, -1 if filtered out
	stores []string // the stores read
	head   int
	done   int // reads before this index belong to a burst already reported
	last   time.Time
	active *Flag // the open burst, nil if none
}

func (a *Analyzer) burst(person, role string, at time.Time, store string, idx int) {
	b := a.bursts[person]
	if b == nil {
		b = &burstState{}
		a.bursts[person] = b
	}
	if at.Before(b.last) { // requests in flight together are logged a little out of order
		at = b.last
	}
	b.last = at
	for b.head < len(b.times) && b.times[b.head].Before(at.Add(-a.opts.BurstWindow)) {
		b.head++
	}
	if b.head > 1024 && b.head*2 > len(b.times) {
		n := copy(b.times, b.times[b.head:])
		copy(b.events, b.events[b.head:])
		copy(b.stores, b.stores[b.head:])
		b.times, b.events, b.stores = b.times[:n], b.events[:n], b.stores[:n]
		b.done = max(b.done-b.head, 0)
		b.head = 0
	}
	b.times = append(b.times, at)
	b.events = append(b.events, idx)
	b.stores = append(b.stores, store)
	// An open burst goes on while the window holds more than BurstReads
	// reads; a new one needs that many reads that were in no burst yet.
	switch {
	case b.active != nil && len(b.times)-b.head <= a.opts.BurstReads:
		a.closeBurst(b)
		b.done = len(b.times) - 1 // this read came after the burst
		return
	case b.active == nil && len(b.times)-max(b.head, b.done) <= a.opts.BurstReads:
		return
	}
	if b.active == nil {
		from := max(b.head, b.done)
		b.active = &Flag{Kind: FlagBurst, Time: b.times[from], Person: person, Role: role}
		for i := from; i < len(b.times)-1; i++ {
			a.markBurst(b.events[i])
			b.active.addStore(b.stores[i])
			b.active.Count++
		}
	}
	a.markBurst(idx)
	b.active.addStore(store)
	b.active.Count++
	b.active.Until = at
}

func (f *Flag) addStore(store string) {
	if store != "" && !containsString(f.stores, store) {
		f.stores = append(f.stores, store)
	}
}

func (a *Analyzer) markBurst(idx int) {
	if idx >= 0 && !containsString(a.events[idx].Flags, FlagBurst) {
		a.events[idx].Flags = append(a.events[idx].Flags, FlagBurst)
	}
}

func (a *Analyzer) closeBurst(b *burstState) {
	f := *b.active
	b.active = nil
	sort.Strings(f.stores)
	f.Detail = formatCount(f.Count) + " record reads in " + f.Until.Sub(f.Time).Round(time.Second).String() +
		" (more than " + formatCount(a.opts.BurstReads) + " within " + formatWindow(a.opts.BurstWindow) + ")"
	if len(f.stores) > 0 {
		f.Detail += "; stores " + strings.Join(f.stores, ",")
	}
	if !a.staffMatch(f.Person) {
		return
	}
	if a.opts.Store != "" && !containsString(f.stores, a.opts.Store) {
		return
	}
	a.flags = append(a.flags, f)
}

// volumeState is one person's recent Transit HMAC requests: when, how
// many inputs each, and the running total (cum[i] is the inputs of the
// requests before i).
type volumeState struct {
	times  []time.Time
	counts []int
	keys   []string
	cum    []int
	head   int
	done   int // requests before this index belong to an episode already reported
	last   time.Time
	active *Flag
}

// total is the inputs of requests from..len.
func (v *volumeState) total(from int) int {
	n := len(v.counts)
	return v.cum[n-1] + v.counts[n-1] - v.cum[from]
}

// volume counts one HMAC request of a person's. An episode is flagged
// when the window holds more than HMACInputs inputs, and goes on while
// it does; a new one needs that many inputs of its own (as bursts do).
func (a *Analyzer) volume(person, role string, at time.Time, inputs int, key string) {
	v := a.volumes[person]
	if v == nil {
		v = &volumeState{}
		a.volumes[person] = v
	}
	if at.Before(v.last) {
		at = v.last
	}
	v.last = at
	for v.head < len(v.times) && v.times[v.head].Before(at.Add(-a.opts.HMACWindow)) {
		v.head++
	}
	if v.head > 1024 && v.head*2 > len(v.times) {
		base := v.cum[v.head]
		n := copy(v.times, v.times[v.head:])
		copy(v.counts, v.counts[v.head:])
		copy(v.keys, v.keys[v.head:])
		copy(v.cum, v.cum[v.head:])
		v.times, v.counts, v.keys, v.cum = v.times[:n], v.counts[:n], v.keys[:n], v.cum[:n]
		for i := range v.cum {
			v.cum[i] -= base
		}
		v.done = max(v.done-v.head, 0)
		v.head = 0
	}
	prev := 0
	if n := len(v.counts); n > 0 {
		prev = v.cum[n-1] + v.counts[n-1]
	}
	v.times = append(v.times, at)
	v.counts = append(v.counts, inputs)
	v.keys = append(v.keys, key)
	v.cum = append(v.cum, prev)
	switch {
	case v.active != nil && v.total(v.head) <= a.opts.HMACInputs:
		a.closeVolume(v)
		v.done = len(v.times) - 1
		return
	case v.active == nil && v.total(max(v.head, v.done)) <= a.opts.HMACInputs:
		return
	}
	if v.active == nil {
		from := max(v.head, v.done)
		v.active = &Flag{Kind: FlagHMACVolume, Time: v.times[from], Person: person, Role: role, RecordKind: KindTransitHMAC}
		for i := from; i < len(v.times)-1; i++ {
			v.active.addStore(v.keys[i])
			v.active.Count += v.counts[i]
		}
	}
	v.active.addStore(key)
	v.active.Count += inputs
	v.active.Until = at
}

func (a *Analyzer) closeVolume(v *volumeState) {
	f := *v.active
	v.active = nil
	sort.Strings(f.stores)
	f.Detail = formatCount(f.Count) + " Transit HMAC inputs in " + f.Until.Sub(f.Time).Round(time.Second).String() +
		" (more than " + formatCount(a.opts.HMACInputs) + " within " + formatWindow(a.opts.HMACWindow) +
		"): guesses against the redaction index?; keys " + strings.Join(f.stores, ",")
	f.stores = nil
	if !a.staffMatch(f.Person) || a.opts.Store != "" {
		return // no store: kept only in a report of every store
	}
	a.flags = append(a.flags, f)
}

// Report finishes the analysis: requests whose response never came are
// counted from their request entries, open bursts and HMAC episodes are
// closed, and events and flags are put in time order.
func (a *Analyzer) Report() *Report {
	ids := make([]string, 0, len(a.pending))
	for id := range a.pending {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool {
		pi, pj := a.pending[ids[i]], a.pending[ids[j]]
		if !pi.at.Equal(pj.at) {
			return pi.at.Before(pj.at)
		}
		return ids[i] < ids[j]
	})
	for _, id := range ids {
		c := a.pending[id]
		a.count(c.at)
		if c.err != "" {
			// Vault refused it before handling it (an invalid wrapping
			// token): the request entry holds the error, and no response
			// entry is written.
			c.result = outcome([]byte(c.err), false)
			c.note = errorNote([]byte(c.err))
		} else {
			a.stats.Unanswered++
			c.result = ResultUnanswered
		}
		a.request(c)
	}
	a.pending = map[string]call{}
	people := make([]string, 0, len(a.bursts))
	for name := range a.bursts {
		people = append(people, name)
	}
	sort.Strings(people)
	for _, name := range people {
		if b := a.bursts[name]; b.active != nil {
			a.closeBurst(b)
		}
	}
	people = people[:0]
	for name := range a.volumes {
		people = append(people, name)
	}
	sort.Strings(people)
	for _, name := range people {
		if v := a.volumes[name]; v.active != nil {
			a.closeVolume(v)
		}
	}
	sort.SliceStable(a.events, func(i, j int) bool { return a.events[i].Time.Before(a.events[j].Time) })
	sort.SliceStable(a.flags, func(i, j int) bool { return a.flags[i].Time.Before(a.flags[j].Time) })
	for i := range a.events {
		sortFlags(a.events[i].Flags)
	}
	rep := &Report{Events: a.events, Flags: a.flags, Stats: a.stats}
	rep.Burst.Reads, rep.Burst.Window = a.opts.BurstReads, a.opts.BurstWindow
	rep.HMAC.Inputs, rep.HMAC.Window = a.opts.HMACInputs, a.opts.HMACWindow
	return rep
}

// flagOrder is the order of flags on an event: the most telling first.
var flagOrder = map[string]int{FlagDotSegment: 0, FlagOffboarded: 1, FlagUnwrapAfter: 2, FlagOutsideStores: 3,
	FlagOutsideRole: 4, FlagNotStaff: 5, FlagDenied: 6, FlagPayoutChange: 7, FlagBurst: 8, FlagHMACVolume: 9}

func sortFlags(f []string) {
	for i := 1; i < len(f); i++ { // a handful: insertion sort, no allocation
		for j := i; j > 0 && flagOrder[f[j]] < flagOrder[f[j-1]]; j-- {
			f[j], f[j-1] = f[j-1], f[j]
		}
	}
}
