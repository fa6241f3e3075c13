package phish

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"

	"golang.org/x/net/publicsuffix"
)

// squatOutcome is what CheckURL made of one generated name.
type squatOutcome struct {
	squat
	brand, label string // the allowlisted domain's brand and label
	domain       string // the allowlisted domain
	ascii        string
	r            Result
	err          error
}

// detected reports whether the check found the imitation: suspicious,
// for the brand imitated, with a reason that names the brand or one of
// its domains' labels, so that a person sees what is imitated.
func (o squatOutcome) detected(a *Allowlist) bool {
	if o.err != nil || o.r.Verdict != Suspicious || o.r.Brand != o.brand {
		return false
	}
	names := []string{o.brand}
	for _, d := range a.Domains(o.brand) {
		names = append(names, strings.SplitN(d, ".", 2)[0])
	}
	for _, reason := range o.r.Reasons {
		for _, n := range names {
			if reason != "" && strings.Contains(reason, n) {
				return true
			}
		}
	}
	return false
}

// shortLabel reports whether an allowlisted label has 4 letters or
// fewer: the names that need stronger evidence.
func shortLabel(label string) bool { return len(label) <= 4 }

// TestTyposquatDetection generates the look-alikes of every allowlisted
// domain, in every class of a typosquatting generator, and requires at
// least 99% of them to be reported as suspicious for their brand.
func TestTyposquatDetection(t *testing.T) {
	checkSquats(t, embedded(t))
}

// checkSquats runs the generator on every domain of a and checks the
// detection rate.
func checkSquats(t *testing.T, a *Allowlist) {
	var all []squatOutcome
	dropped := 0
	for _, e := range a.entries {
		for _, s := range generateSquats(e.domain, e.label, e.suffix) {
			ascii, ok := squatASCII(s.host)
			if !ok {
				dropped++
				continue
			}
			if _, err := publicsuffix.EffectiveTLDPlusOne(ascii); err != nil {
				dropped++ // a public suffix (myshopify.com): nobody registers it
				continue
			}
			if _, _, genuine := a.brandOfDomain(ascii); genuine {
				dropped++
				continue
			}
			all = append(all, squatOutcome{squat: s, brand: e.brand, label: e.label, domain: e.domain, ascii: ascii})
		}
	}
	// Check in parallel: tens of thousands of names.
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < len(all); i += workers {
				all[i].r, all[i].err = a.CheckURL("https://" + all[i].ascii + "/")
			}
		}(w)
	}
	wg.Wait()

	type tally struct{ n, hit, shortN, shortHit int }
	per := map[string]*tally{}
	misses := map[string][]string{}
	hits := 0
	for _, o := range all {
		tl := per[o.class]
		if tl == nil {
			tl = &tally{}
			per[o.class] = tl
		}
		short := shortLabel(o.label)
		tl.n++
		if short {
			tl.shortN++
		}
		if o.detected(a) {
			hits++
			tl.hit++
			if short {
				tl.shortHit++
			}
		} else if len(misses[o.class]) < 5 {
			misses[o.class] = append(misses[o.class], fmt.Sprintf("%s (%s, %s: %s %q)", o.host, o.ascii, o.brand, o.r.Verdict, o.r.Reasons))
		}
	}
	pct := func(hit, n int) string {
		if n == 0 {
			return "      -"
		}
		return fmt.Sprintf("%6.2f%%", 100*float64(hit)/float64(n))
	}
	t.Logf("%d look-alikes of %d allowlisted domains; %d generated names dropped (genuine, a public suffix, or refused by IDNA)", len(all), len(a.entries), dropped)
	t.Logf("%-18s %7s %8s  %s", "class", "names", "detected", "labels of 5+ letters / of 3-4 letters")
	macro := 0.0
	for _, c := range squatClasses {
		tl := per[c]
		if tl == nil {
			t.Errorf("class %s generated nothing", c)
			continue
		}
		macro += float64(tl.hit) / float64(tl.n) / float64(len(squatClasses))
		t.Logf("%-18s %7d  %s  %s / %s", c, tl.n, pct(tl.hit, tl.n), pct(tl.hit-tl.shortHit, tl.n-tl.shortN), pct(tl.shortHit, tl.shortN))
	}
	// The domains issue 17 measured (about 55% before the folding).
	for _, d := range []string{"amazon.com", "payoneer.com", "ebay.com"} {
		n, hit := 0, 0
		for _, o := range all {
			if o.domain == d {
				n++
				if o.detected(a) {
					hit++
				}
			}
		}
		t.Logf("look-alikes of %s: %d, %s detected", d, n, pct(hit, n))
	}
	rate := float64(hits) / float64(len(all))
	t.Logf("overall: %d of %d detected, %.2f%% (mean of the classes' rates %.2f%%)", hits, len(all), 100*rate, 100*macro)
	var examples []string
	for _, c := range squatClasses {
		if len(misses[c]) > 0 {
			t.Logf("missed %s: %s", c, strings.Join(misses[c], "; "))
			examples = append(examples, c+": "+strings.Join(misses[c][:min(2, len(misses[c]))], "; "))
		}
	}
	if rate < 0.99 {
		t.Errorf("detected %.2f%% of look-alikes, want at least 99%%; missed for example\n\t%s", 100*rate, strings.Join(examples, "\n\t"))
	}
}
