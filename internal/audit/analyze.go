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
	FlagOutsideStores = "outside-stores" // a login or code of a store the person does not work on
	FlagOutsideRole   = "outside-role"   // a payout record, proposal, mailbox or phone their role does not hold
	FlagOffboarded    = "offboarded"     // a request by someone offboarded or disabled, after that happened
	FlagBurst         = "burst"          // more than BurstReads record reads within BurstWindow
	FlagPayoutChange  = "payout-change"  // a write to a payout record, a proposal or a decision
	FlagDenied        = "denied"         // Vault refused it: permission denied
	FlagNotStaff      = "not-staff"      // a record read or change by a token of no team member (root, another team)
)

// Results of a request.
const (
	ResultOK         = "ok"
	ResultDenied     = "denied"     // permission denied (no right, or a revoked or expired token)
	ResultFailed     = "failed"     // another error: not found, a check-and-set conflict, a bad login
	ResultUnanswered = "unanswered" // a request entry with no response entry in the log
)

// Actions, from Vault's operation.
const (
	ActionRead   = "read"
	ActionList   = "list"
	ActionChange = "change" // create, update, patch, delete
	ActionLogin  = "login"
)

// Burst defaults: more than 20 record reads by one person within 5 minutes.
const (
	DefaultBurstReads  = 20
	DefaultBurstWindow = 5 * time.Minute
)

// Options configure an analysis.
type Options struct {
	// Prefix is the team's mount prefix (records in PREFIX/, TOTP keys in
	// PREFIX-totp/).
	Prefix string
	// People maps entity IDs and names to team members; nil knows nobody.
	People *Directory
	// Since drops requests before it; zero keeps all.
	Since time.Time
	// BurstReads and BurstWindow: more than BurstReads record reads by one
	// person within BurstWindow is a burst (defaults 20 and 5m).
	BurstReads  int
	BurstWindow time.Duration
	// Staff and Store keep only the events and flags of one person or one
	// store; bursts are still counted over all of the person's reads.
	Staff, Store string
}

// Event is one request to a record: a read of a login, TOTP code,
// mailbox, phone or payout record, proposal or decision; a change to a
// payout record, proposal or decision; any request Vault refused; a login
// attempt by someone who has left.
type Event struct {
	Time      time.Time
	Person    string // staff name; for others Vault's display name ("root"); "unknown" if none
	Role      string // ops, finance, manager; "" if not a team member
	EntityID  string
	Action    string // read, list, change, login
	Operation string // Vault's operation
	Kind      string // credential, totp-code, mailbox, phone, payout, payout-proposal, ...
	Record    string // masked for mailboxes and phones
	Store     string
	Result    string   // ok, denied, failed, unanswered
	Flags     []string // flag kinds, in a fixed order
	Note      string   // how the person was known, when not from the entry itself
}

// Flag is something to look into.
type Flag struct {
	Kind       string
	Time       time.Time
	Until      time.Time // bursts: the last read; zero otherwise
	Person     string
	Role       string
	RecordKind string
	Record     string
	Store      string
	Count      int // bursts: the reads in it
	Detail     string
	stores     []string // bursts: the stores read in it
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
}

// readKinds are the records whose reads are reported.
var readKinds = map[string]bool{KindCredential: true, KindTOTPCode: true, KindMailbox: true, KindPhone: true,
	KindPayout: true, KindPayoutProposal: true, KindPayoutDecision: true}

func isPayoutKind(kind string) bool {
	return kind == KindPayout || kind == KindPayoutProposal || kind == KindPayoutDecision
}

// Analyzer turns audit log lines into a report, one line at a time.
type Analyzer struct {
	opts  Options
	marks [][]byte // what a relevant line's request path starts with, JSON-quoted

	raw     rawEntry
	strs    map[string]string // interned strings: paths, names, IDs
	refs    map[string]refInfo
	tokens  map[string]owner // request.client_token HMAC → who used it
	pending map[string]pendingRequest
	bursts  map[string]*burstState

	events []Event
	flags  []Flag
	stats  Stats
}

type refInfo struct {
	ref    Ref
	ok     bool
	record string // displayRecord(ref), made once
}

type owner struct{ entity, display string }

// pendingRequest is a request entry waiting for its response entry.
type pendingRequest struct {
	at       time.Time
	op, path string
	who      owner
	viaToken bool
}

// NewAnalyzer starts an analysis.
func NewAnalyzer(opts Options) *Analyzer {
	if opts.BurstReads <= 0 {
		opts.BurstReads = DefaultBurstReads
	}
	if opts.BurstWindow <= 0 {
		opts.BurstWindow = DefaultBurstWindow
	}
	a := &Analyzer{opts: opts, strs: map[string]string{}, refs: map[string]refInfo{}, tokens: map[string]owner{},
		pending: map[string]pendingRequest{}, bursts: map[string]*burstState{}}
	if opts.Prefix != "" {
		for _, m := range []string{opts.Prefix + "/", opts.Prefix + "-totp/", UserpassLoginPrefix} {
			// Vault writes "/" as it is; some re-encoders write "\/".
			a.marks = append(a.marks, []byte(m), []byte(strings.ReplaceAll(m, "/", `\/`)))
		}
	}
	return a
}

var pathKey = []byte(`"path"`)

// relevant is the quick test on a line's bytes before decoding it: does a
// "path" key name the team's mounts or a userpass login? A request about
// the team always passes; a line that passes is then decoded and checked
// properly.
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
	ref, ok := MapPath(a.opts.Prefix, p)
	info := refInfo{ref: ref, ok: ok, record: displayRecord(ref)}
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
	if ref.Kind != KindLogin && len(e.reqToken) > 0 {
		if who.entity == "" && who.display == "" {
			who, viaToken = a.tokens[string(e.reqToken)]
		} else if known, seen := a.tokens[string(e.reqToken)]; (!seen && len(a.tokens) < 1<<20) || seen && known != who {
			a.tokens[string(e.reqToken)] = who
		}
	}
	switch string(e.typ) {
	case "request":
		if len(e.reqID) > 0 && !at.Before(a.opts.Since) && a.wanted(ref, string(e.reqOp), ResultOK) {
			a.pending[string(e.reqID)] = pendingRequest{at: at, op: a.intern(e.reqOp), path: a.intern(e.reqPath),
				who: who, viaToken: viaToken}
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
	if at.Before(a.opts.Since) {
		return
	}
	a.count(at)
	a.request(at, info, a.intern(e.reqOp), outcome(e.err, e.respErr), who, viaToken, errorNote(e.err))
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
	if bytes.Contains(err, invalidToken) {
		return "the token was no longer valid (revoked or expired)"
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

// wanted says whether a request becomes an event.
func (a *Analyzer) wanted(ref Ref, op, result string) bool {
	switch {
	case ref.Kind == KindLogin:
		return true // kept only for people who have left; decided with the person
	case readKinds[ref.Kind] && op == "read" && (ref.API == "" || ref.API == APIData):
		return true
	case isPayoutKind(ref.Kind) && action(op) == ActionChange:
		return true
	}
	return result == ResultDenied
}

// request turns one request into an event and its flags.
func (a *Analyzer) request(at time.Time, info refInfo, op, result string, who owner, viaToken bool, note string) {
	ref := info.ref
	if !a.wanted(ref, op, result) {
		return
	}
	var p *Person
	known := false
	name := who.display
	if ref.Kind == KindLogin {
		// A login request carries the token of whoever sent it (often
		// none); the person is the one named in the path.
		name = ref.Name
		if p, known = a.opts.People.ByEntity(who.entity); !known {
			p, known = a.opts.People.ByName(ref.Name)
		}
	} else {
		p, known = a.opts.People.resolve(who.entity, who.display)
	}
	if known {
		name = p.Name
	}
	if name == "" {
		name = "unknown"
	}
	ev := Event{Time: at, Person: name, EntityID: who.entity, Action: action(op), Operation: op, Kind: ref.Kind,
		Record: info.record, Store: ref.Store, Result: result, Note: note}
	if ref.Kind == KindLogin {
		ev.Action, ev.EntityID = ActionLogin, ""
		if known {
			ev.EntityID = p.EntityID
		}
	}
	if known {
		ev.Role = p.Role
	}
	if viaToken {
		ev.Note = joinNote(ev.Note, "known by the same token in earlier requests")
	}
	var flags []Flag
	flag := func(kind, detail string) {
		ev.Flags = append(ev.Flags, kind)
		flags = append(flags, Flag{Kind: kind, Time: at, Person: name, Role: ev.Role, RecordKind: ev.Kind,
			Record: ev.Record, Store: ev.Store, Detail: detail})
	}
	isRead := ev.Action == ActionRead && readKinds[ref.Kind] && (ref.API == "" || ref.API == APIData)
	isPayoutChange := isPayoutKind(ref.Kind) && ev.Action == ActionChange
	if ref.Kind == KindLogin {
		if !known || !p.gone() || !afterLeaving(p, at, result) {
			return // logins are reported only for people who have left
		}
	}
	if result == ResultDenied {
		flag(FlagDenied, joinNote("permission denied", note))
	}
	if known && (isRead || isPayoutChange) {
		ok, rule := p.mayRead(ref)
		if isPayoutChange {
			ok, rule = p.mayChange(ref)
		}
		if !ok {
			flag(rule, outsideDetail(p, ref, rule, isPayoutChange))
		}
	}
	if known && p.gone() && afterLeaving(p, at, result) {
		flag(FlagOffboarded, leftDetail(p))
	}
	if isPayoutChange && (result == ResultOK || result == ResultUnanswered) {
		detail := op + " " + strings.ReplaceAll(ref.Kind, "-", " ")
		if ref.API != APIData {
			detail += " (" + ref.API + ")"
		}
		if result == ResultUnanswered {
			detail += " (no response logged: it may not have happened)"
		}
		flag(FlagPayoutChange, detail)
	}
	if !known && a.opts.People != nil && (isRead || isPayoutChange) && (result == ResultOK || result == ResultUnanswered) {
		detail := "not a member of the team"
		if who.display == "root" {
			detail = "the root token: revoke it after init"
		} else if who.display != "" {
			detail += " (Vault display name " + who.display + ")"
		}
		flag(FlagNotStaff, detail)
	}
	idx := -1
	if a.keep(ev.Person, ev.Store) {
		idx = len(a.events)
		a.events = append(a.events, ev)
	}
	if isRead && result != ResultUnanswered {
		a.burst(name, ev.Role, at, ref.Store, idx)
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

// displayRecord names a record for the report; mailbox addresses and
// phone numbers by their shape only, as inventories show them.
func displayRecord(ref Ref) string {
	switch ref.Kind {
	case KindMailbox:
		return records.MaskEmail(ref.Name)
	case KindPhone:
		return records.MaskPhone(ref.Name)
	}
	return ref.Record()
}

func outsideDetail(p *Person, ref Ref, rule string, change bool) string {
	if rule == FlagOutsideStores {
		stores := "no store"
		if len(p.Stores) > 0 {
			stores = strings.Join(p.Stores, ",")
		}
		return "store " + ref.Store + " is not theirs (" + stores + ")"
	}
	role := p.Role
	if role == "" {
		role = "no role"
	}
	what := strings.ReplaceAll(ref.Kind, "-", " ")
	if change {
		return "changing a " + what + " is not for " + role
	}
	return what + " is not for " + role
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

// Report finishes the analysis: requests whose response never came are
// counted from their request entries, open bursts are closed, and events
// and flags are put in time order.
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
		q := a.pending[id]
		info := a.mapPath([]byte(q.path))
		a.count(q.at)
		a.stats.Unanswered++
		a.request(q.at, info, q.op, ResultUnanswered, q.who, q.viaToken, "")
	}
	a.pending = map[string]pendingRequest{}
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
	sort.SliceStable(a.events, func(i, j int) bool { return a.events[i].Time.Before(a.events[j].Time) })
	sort.SliceStable(a.flags, func(i, j int) bool { return a.flags[i].Time.Before(a.flags[j].Time) })
	for i := range a.events {
		sortFlags(a.events[i].Flags)
	}
	rep := &Report{Events: a.events, Flags: a.flags, Stats: a.stats}
	rep.Burst.Reads, rep.Burst.Window = a.opts.BurstReads, a.opts.BurstWindow
	return rep
}

// flagOrder is the order of flags on an event.
var flagOrder = map[string]int{FlagOffboarded: 0, FlagOutsideStores: 1, FlagOutsideRole: 2, FlagNotStaff: 3,
	FlagDenied: 4, FlagPayoutChange: 5, FlagBurst: 6}

func sortFlags(f []string) {
	for i := 1; i < len(f); i++ { // a handful: insertion sort, no allocation
		for j := i; j > 0 && flagOrder[f[j]] < flagOrder[f[j-1]]; j-- {
			f[j], f[j-1] = f[j-1], f[j]
		}
	}
}
