package attack

import (
	"net/url"
	"os"
	"path"
	"sort"
	"strings"
)

// encoding is one way of writing n dot-segments ("go up one level"),
// each followed by a separator, so that base+climb(n)+target names target
// once dot-segments are cleaned.
type encoding struct {
	name  string
	climb func(n int) string
}

func repeat(seg string) func(int) string {
	return func(n int) string { return strings.Repeat(seg, n) }
}

// encodings are every spelling of a dot-segment the suite tries.
var encodings = []encoding{
	{"..", repeat("../")},
	{"%2e%2e", repeat("%2e%2e/")},
	{"%2E%2E", repeat("%2E%2E/")},
	{".%2e", repeat(".%2e/")},
	{"%2e.", repeat("%2e./")},
	{"%2E.", repeat("%2E./")},
	{"%2e%2e%2f (encoded slashes)", repeat("%2e%2e%2f")},
	{"%2E%2E%2F (encoded slashes)", repeat("%2E%2E%2F")},
	{"doubled slashes", repeat("%2e%2e//")},
	{". and %2e segments", func(n int) string { return "./" + strings.Repeat("%2e/%2e%2e/./", n) }},
	{"mixed", func(n int) string {
		parts := []string{"..", "%2e%2e", ".%2e", "%2E.", "%2e.", "%2E%2E"}
		seps := []string{"/", "%2f", "//", "%2F", "/./"}
		var b strings.Builder
		for i := 0; i < n; i++ {
			b.WriteString(parts[i%len(parts)] + seps[i%len(seps)])
		}
		return b.String()
	}},
	{"%252e%252e (double encoding)", repeat("%252e%252e/")},
}

// reduced are the encodings used for the less likely combinations.
var reduced = []encoding{encodings[1], encodings[3], encodings[10]}

// plusValues are what an attacker puts into a "+" segment: a concrete
// name, empty, and every dot-segment spelling (one segment each).
var plusValues = []string{"x", storeDE, "", ".", "%2e", "%2E", "..", "%2e%2e", "%2E%2E", ".%2e", "%2e.", "%2E.", "%2e%2e%2f%2e%2e"}

// fullMatrix (ATTACK_FULL=1) tries every spelling from every grant to
// every target in every mode, and sends every case also wrapped: many
// times the requests of the default run, for a run with time to spare.
// The default run tries every spelling only where it can matter: from
// globs (a glob matches whatever follows its prefix); after an exact or
// "+" path any added segment leaves the grant, which one spelling shows,
// and the "+" segments themselves get every spelling in plusCases.
var fullMatrix = os.Getenv("ATTACK_FULL") != ""

// attackCase is one generated request.
type attackCase struct {
	grant  grant
	mode   string // how the path was built
	enc    string
	req    request
	target *targetOp // nil for a probe through a "+" that names no target
}

// segments counts the path segments of p ("a/b/" is 2).
func segments(p string) int {
	n := 0
	for _, s := range strings.Split(p, "/") {
		if s != "" {
			n++
		}
	}
	return n
}

func firstSegment(p string) string {
	s, _, _ := strings.Cut(p, "/")
	return s
}

// baseOf is the grant turned into a concrete folder to climb out of:
// a glob's prefix with a filler segment ("acme-us.*" → "acme-us.x/",
// "metadata/*" → "metadata/x/"), any other path as it is with each "+"
// a concrete segment.
func baseOf(g grant) string {
	p := g.path
	if g.plus {
		segs := strings.Split(p, "/")
		for i, s := range segs {
			if s == "+" {
				segs[i] = "x"
			}
		}
		p = strings.Join(segs, "/")
	}
	if g.prefix {
		return p + "x/"
	}
	return strings.TrimSuffix(p, "/") + "/"
}

// cleaned is what a path names once decoded and its dot-segments cleaned
// (the way the KV engine sees it).
func cleaned(p string) string {
	if d, err := url.PathUnescape(p); err == nil {
		p = d
	}
	return strings.TrimPrefix(path.Clean("/"+p), "/")
}

// generate builds every attack case of one role: from each grant, to each
// target.
func (tm *team) generate(grants []grant, targets []*targetOp) (cases []attackCase, probes []attackCase) {
	add := func(g grant, mode string, e encoding, p string, t *targetOp) {
		if t.query != "" {
			p += "?" + t.query
		}
		cases = append(cases, attackCase{grant: g, mode: mode, enc: e.name, target: t,
			req: request{Method: t.method, Path: p, Body: t.body, ContentType: t.ctype}})
	}
	for _, g := range grants {
		mount := tm.mountOf(g.path)
		base := baseOf(g)
		rest := strings.TrimPrefix(base, mount)
		restSegs, allSegs := segments(rest), segments(base)
		route := firstSegment(rest)
		// A glob matches whatever follows its prefix, so every spelling is
		// tried from it (see fullMatrix).
		glob := g.prefix || fullMatrix
		one := encodings[1:2]
		firstOf := map[string]bool{}
		for _, t := range targets {
			if mount != "" && mount == t.mount && (glob || t.primary) {
				within := route == t.route && restSegs >= 2
				// Within the route: data/x/../KEY.
				if within {
					encs := one
					if glob && (t.primary || fullMatrix) {
						encs = encodings
					} else if glob {
						encs = reduced
					}
					for _, e := range encs {
						add(g, "within the route", e, base+e.climb(restSegs-1)+t.key, t)
					}
				}
				// To the mount's top and into a route:
				// metadata/x/../../data/KEY.
				if glob || !within {
					encs := one
					if fullMatrix {
						encs = encodings
					} else if glob {
						encs = reduced
					}
					for _, e := range encs {
						add(g, "across routes", e, base+e.climb(restSegs)+t.route+"/"+t.key, t)
					}
				}
			}
			// Out of the mount altogether: M/x/../../../OTHER/route/KEY;
			// from a glob to every target, from other grants to one
			// target of each mount, route and kind of operation.
			group := t.mount + t.route + " " + t.op + " " + t.method
			if (glob && (t.primary || fullMatrix)) || (!glob && !firstOf[group]) {
				firstOf[group] = true
				encs := one
				if fullMatrix {
					encs = encodings
				}
				for _, e := range encs {
					add(g, "across mounts", e, base+e.climb(allSegs)+t.full(), t)
				}
			}
		}
		if g.plus {
			probes = append(probes, tm.plusCases(g, mount, targets, &cases)...)
		}
	}
	return cases, probes
}

// plusCases puts every value of plusValues in each "+" of a grant (a "+"
// matches one segment: a dot-segment there is still one segment). A path
// that cleans to a target is a case for every operation on it; any other
// is a probe (read and written once, judged by the canaries and the
// snapshot).
func (tm *team) plusCases(g grant, mount string, targets []*targetOp, cases *[]attackCase) (probes []attackCase) {
	segs := strings.Split(g.path, "/")
	var idx []int
	for i, s := range segs {
		if s == "+" {
			idx = append(idx, i)
		}
	}
	route := firstSegment(strings.TrimPrefix(g.path, mount))
	combos := [][]string{{}}
	for n, at := range idx {
		values := plusValues
		if n == len(idx)-1 && at == len(segs)-1 && !g.prefix {
			values = append(append([]string(nil), plusValues...), siblingClimbs(segs[:at], mount, route, targets)...)
		}
		var next [][]string
		for _, c := range combos {
			for _, v := range values {
				next = append(next, append(append([]string(nil), c...), v))
			}
		}
		combos = next
	}
	suffix := ""
	if g.prefix {
		suffix = "x"
	}
	for _, c := range combos {
		s := append([]string(nil), segs...)
		for i, at := range idx {
			s[at] = c[i]
		}
		raw := strings.Join(s, "/") + suffix
		rest := strings.TrimPrefix(raw, mount)
		key := cleaned(strings.TrimPrefix(rest, route+"/"))
		enc := strings.Join(c, ",")
		hit := false
		for _, t := range targets {
			if t.mount == mount && t.route == route && strings.TrimSuffix(t.key, "/") == key {
				hit = true
				p := raw
				if t.query != "" {
					p += "?" + t.query
				}
				*cases = append(*cases, attackCase{grant: g, mode: "through +", enc: enc, target: t,
					req: request{Method: t.method, Path: p, Body: t.body, ContentType: t.ctype}})
			}
		}
		if hit {
			continue
		}
		probes = append(probes, attackCase{grant: g, mode: "probe through +", enc: enc,
			req: request{Method: "GET", Path: raw}})
		body := jsonBody(map[string]interface{}{"data": map[string]string{"probe": "attack"}})
		if route == "metadata" {
			body = jsonBody(map[string]interface{}{"custom_metadata": map[string]string{"probe": "attack"}})
			probes = append(probes, attackCase{grant: g, mode: "probe through +", enc: enc,
				req: request{Method: "LIST", Path: raw}})
		}
		probes = append(probes, attackCase{grant: g, mode: "probe through +", enc: enc,
			req: request{Method: "POST", Path: raw, Body: body}})
	}
	return probes
}

// siblingClimbs are the values that, put in a final "+" after folder
// (the grant's segments before it), climb one level with an encoded
// slash and go down to a target beside the folder: from
// _meta/redact/store-acme-us/+ to _meta/redact/payout/00 as
// "%2e%2e%2fpayout%2f00" (and "..%2f…"). A "+" matches one segment: if
// Vault ever matched it before decoding the slashes, the KV engine would
// clean such a path to the sibling.
func siblingClimbs(folder []string, mount, route string, targets []*targetOp) []string {
	parent := strings.TrimPrefix(strings.Join(folder, "/"), mount+route+"/")
	if parent == strings.Join(folder, "/") { // the "+" is not under the route
		return nil
	}
	grand := path.Dir(parent)
	if grand == "." {
		grand = ""
	} else {
		grand += "/"
	}
	seen := map[string]bool{}
	var out []string
	for _, t := range targets {
		key := strings.TrimSuffix(t.key, "/")
		if t.mount != mount || t.route != route || !strings.HasPrefix(key, grand) || strings.HasPrefix(key, parent+"/") {
			continue
		}
		rel := strings.TrimPrefix(key, grand)
		if segments(rel) != 2 || seen[rel] { // a sibling folder's record, as deep as the grant's
			continue
		}
		seen[rel] = true
		enc := strings.ReplaceAll(rel, "/", "%2f")
		out = append(out, "%2e%2e%2f"+enc, "..%2f"+enc)
	}
	sort.Strings(out)
	return out
}
