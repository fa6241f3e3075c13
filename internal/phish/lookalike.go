package phish

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"go.mau.fi/util/confusable"
)

// skeleton is the UTS #39 skeleton of a label, lower-cased again (the
// confusables table maps some characters to capitals: "0" to "O"), so
// that two labels that look the same get the same key.
func skeleton(s string) string {
	return strings.ToLower(confusable.Skeleton(s))
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// labelKeys are the look-alike keys of an allowlisted label.
type labelKeys struct {
	flat  string // noHyphens(foldLabel(label).key)
	loose string // looseKey(flat)
	skel  string // skeleton(label)
	runes []rune // the label
	keyR  []rune // flat, as runes
}

func newLabelKeys(label string) labelKeys {
	flat := noHyphens(foldLabel(label).key)
	return labelKeys{flat: flat, loose: looseKey(flat), skel: skeleton(label), runes: []rune(label), keyR: []rune(flat)}
}

// lookalike is how a label imitates an allowlisted label.
type lookalike struct {
	li  *labelInfo
	how string // e.g. `one letter swapped`, `"0" in place of "o"`
}

// imitates finds the allowlisted label that p (a lower-case label or part
// of one, not itself allowlisted) imitates, if any: the same once folded
// (look-alike characters, digits for letters, letter shapes, hyphens),
// or within editAllowed of it as written or folded. When several match,
// the closest wins, then the first in the allowlist.
func (a *Allowlist) imitates(p string) (lookalike, bool) {
	if p == "" || utf8.RuneCountInString(p) > maxLabelLen {
		return lookalike{}, false
	}
	fp := foldLabel(p)
	flat := noHyphens(fp.key)
	for _, li := range []*labelInfo{a.byFlat[flat], a.byLoose[looseKey(flat)]} {
		if li != nil && li.label != p {
			return lookalike{li, describeLookalike(p, li.label, fp)}, true
		}
	}
	if !isASCII(p) {
		if li := a.bySkel[skeleton(p)]; li != nil && li.label != p {
			return lookalike{li, describeLookalike(p, li.label, fp)}, true
		}
	}
	pr, kr := []rune(p), []rune(flat)
	best, bestRank := lookalike{}, noRank
	for _, li := range a.labels {
		if bestRank <= bestPossible {
			break
		}
		if p == li.label || abs(len(pr)-len(li.runes)) > 2 && abs(len(kr)-len(li.keyR)) > 2 {
			continue
		}
		if d := osaWithin(pr, li.runes, 2); d <= 2 {
			kind := editKind(pr, li.runes, d)
			if rank := editRank(pr, li.runes, d, kind, false); a.editAllowed(pr, li.runes, d, kind) && rank < bestRank {
				best, bestRank = lookalike{li, kind}, rank
				continue
			}
		}
		if d := osaWithin(kr, li.keyR, 2); d <= 2 {
			kind := editKind(kr, li.keyR, d)
			if rank := editRank(kr, li.keyR, d, kind, true); a.editAllowed(kr, li.keyR, d, kind) && rank < bestRank {
				best, bestRank = lookalike{li, "look-alike letters and " + kind}, rank
			}
		}
	}
	return best, bestRank < noRank
}

// Ranks of an edit-distance match, lower is closer.
const (
	bestPossible = 4 // one edit, as written, a likely typo
	noRank       = 99
)

// editRank orders the matches of p with allowlisted labels: fewer edits
// first, then a match as written before one after folding look-alikes,
// then a likely typo (a neighbouring key, another vowel …) before another
// change, so that etaystatic is etsystatic mistyped, not ebaystatic.
func editRank(p, l []rune, d int, kind string, folded bool) int {
	rank := 4 * d
	if folded {
		rank += 2
	}
	if kind == editChange {
		if got, want := changedLetter(p, l); !typoChange(got, want) {
			rank++
		}
	}
	return rank
}

// editAllowed tells whether p, at distance d from the allowlisted label
// l with a difference of the given kind, imitates it. Short names are
// close to many ordinary words, so the tolerance grows with the length:
//
//   - 1 or 2 characters: never (only look-alike characters count);
//   - 3 or 4: a swap of two neighbours or a doubled letter; or, when p
//     is not an English word, one letter added, or one changed for a
//     typo that squatters register (typoChange); never a letter missing,
//     which leaves an acronym of 2 or 3 letters;
//   - 5 to 7: one edit;
//   - 8 or more: two edits, but not two letters missing or added
//     (static.com is not mlstatic.com).
func (a *Allowlist) editAllowed(p, l []rune, d int, kind string) bool {
	switch n := len(l); {
	case n <= 2 || d < 1:
		return false
	case n <= 4:
		if d != 1 {
			return false
		}
		switch kind {
		case editSwap, editDouble:
			return true
		case editAdd:
			return !isCommonWord(string(p))
		case editChange:
			got, want := changedLetter(p, l)
			return typoChange(got, want) && !isCommonWord(string(p))
		}
		return false
	case n <= 7:
		return d == 1
	default:
		return d == 1 || d == 2 && abs(len(p)-len(l)) <= 1
	}
}

// describeLookalike says which characters of p stand in for those of
// the allowlisted label l, when p folds to the same key; fp is p folded.
func describeLookalike(p, l string, fp foldedLabel) string {
	var parts []string
	if added := strings.Count(p, "-") - strings.Count(l, "-"); added > 0 {
		if added == 1 {
			parts = append(parts, "a hyphen added")
		} else {
			parts = append(parts, fmt.Sprintf("%d hyphens added", added))
		}
		p = strings.ReplaceAll(p, "-", "")
		l = strings.ReplaceAll(l, "-", "")
	}
	pr, lr := []rune(p), []rune(l)
	var chars []string
	if len(pr) == len(lr) {
		for i := range pr {
			if pr[i] != lr[i] {
				chars = append(chars, fmt.Sprintf("%s in place of %q", describeChar(pr[i]), string(lr[i])))
			}
		}
	} else {
		for _, sw := range fp.swaps {
			chars = append(chars, describePiece(sw))
		}
	}
	if len(chars) > 3 {
		var foreign []string
		for _, r := range pr {
			if r >= utf8.RuneSelf {
				foreign = append(foreign, describeChar(r))
			}
		}
		if len(foreign) > 3 {
			foreign = append(foreign[:3], "…")
		}
		chars = []string{"look-alike letters " + strings.Join(foreign, ", ")}
		if len(foreign) == 0 {
			chars = []string{"letters that look the same"}
		}
	}
	parts = append(parts, chars...)
	if len(parts) == 0 {
		return "letters that look the same"
	}
	return strings.Join(parts, ", ")
}

// describePiece says what a replaced part of a label stands in for.
func describePiece(sw piece) string {
	src := fmt.Sprintf("%q", sw.src)
	if r, size := utf8.DecodeRuneInString(sw.src); size == len(sw.src) {
		src = describeChar(r)
	}
	if sw.out == "" {
		return src + " added"
	}
	return fmt.Sprintf("%s in place of %q", src, sw.out)
}

// describeChar names a character for a reason: `Cyrillic "а" (U+0430)`;
// plain ASCII as just `"a"`.
func describeChar(r rune) string {
	if r < utf8.RuneSelf {
		return fmt.Sprintf("%q", string(r))
	}
	if s := scriptOf(r); s != "" && s != "Common" && s != "Inherited" {
		return fmt.Sprintf("%s %q (U+%04X)", s, string(r), r)
	}
	return fmt.Sprintf("%q (U+%04X)", string(r), r)
}
