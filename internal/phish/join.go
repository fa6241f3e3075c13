package phish

import (
	"fmt"
	"strings"
)

// Brand names run together with other words (wwwebay.com,
// ebaylogin.com), or split apart by dots (ama.zon.com).

// shortTokenInside finds a brand name or label of 3 or 4 letters inside
// a longer label (lower case, hyphens and all). Such short names are
// inside many ordinary words, so it counts only
//
//   - when the rest of the label is made of service words or of an
//     allowlisted suffix run into a word (wwwebay, ebaylogin,
//     myetsyaccount, ebaycouk), or
//   - for a name of 4 letters that is not itself an English word (ebay,
//     etsy, temu; not wise), at the start or end of the label with at
//     least 3 more letters (ebayexpress, dealstemu).
func (a *Allowlist) shortTokenInside(label string) (token, bool) {
	raw := noHyphens(label)
	keys := []string{raw}
	if k := noHyphens(foldLabel(label).key); k != raw {
		keys = append(keys, k)
	}
	for _, t := range a.tokens {
		n := len(t.key)
		if len(t.text) >= minSubstringToken || n < 3 || n > 4 {
			continue
		}
		for _, s := range keys {
			if len(s) <= n {
				continue
			}
			for from := 0; from <= len(s)-n; {
				i := strings.Index(s[from:], t.key)
				if i < 0 {
					break
				}
				i += from
				pre, post := s[:i], s[i+n:]
				if (pre == "" || a.madeOfServiceWords(pre)) && (post == "" || a.madeOfServiceWords(post)) {
					return t, true
				}
				if n == 4 && !isCommonWord(t.text) && (pre == "" && len(post) >= 3 || post == "" && len(pre) >= 3) {
					return t, true
				}
				from = i + 1
			}
		}
	}
	return token{}, false
}

// madeOfServiceWords reports whether s is service words and allowlisted
// suffixes run together.
func (a *Allowlist) madeOfServiceWords(s string) bool {
	return madeOfWords(s, serviceWords(), a.suffixWords)
}

// maxSplitLabels bounds how many neighbouring labels splitName joins.
const maxSplitLabels = 4

// splitFinding looks for an allowlisted label or brand name split by
// dots: neighbouring labels of a host (Unicode) that, run together, are
// one, or fold to one (ama.zon.com, pay.pa1.evil.net, amaz.on.ca). The
// first of them is among the first own labels, the host's labels before
// its public suffix; the last is not the top-level domain. reg is the
// host's registrable domain.
func (a *Allowlist) splitFinding(labels []string, own int, reg string) (finding, bool) {
	for i := 0; i < own && i < len(labels)-1; i++ {
		joined := labels[i]
		for j := i + 1; j < len(labels)-1 && j-i < maxSplitLabels; j++ {
			joined += labels[j]
			run := strings.Join(labels[i:j+1], ".")
			flat := noHyphens(foldLabel(joined).key)
			li := a.byFlat[flat]
			if li == nil {
				li = a.byLoose[looseKey(flat)]
			}
			if li != nil {
				// The labels after the run are the suffix it pretends
				// to have: amaz.on.ca is amazon.ca.
				rest := strings.Join(labels[j+1:], ".")
				return finding{li.brand, fmt.Sprintf("%q reads %q without its dots: it imitates %s, but the address belongs to %s", run, li.label, li.example(rest), reg)}, true
			}
			if t, ok := a.tokenByKey[flat]; ok && len(flat) >= 3 {
				return finding{t.brand, fmt.Sprintf("%q reads %q without its dots, the name of %s, but the address belongs to %s", run, t.text, t.brand, reg)}, true
			}
		}
	}
	return finding{}, false
}
