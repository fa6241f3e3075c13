package audit

import (
	"bytes"
	"sort"
	"strings"
	"time"
)

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
