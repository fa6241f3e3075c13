package redact

// Phone numbers by pattern: the numbers a member cannot match by index
// (the team's contacts are in the managers' audience). The pattern looks
// only at the digit runs numberAt already reads (groups of digits joined
// by spaces, - . / ( ) and the wide spaces of wideSpace), and takes a
// stretch of whole groups of a run for a phone when it is written like
// one:
//
//	international  "+" and an assigned country calling code, 7 to 15
//	               digits in all (E.164), grouped any way or not at all:
//	               "+447700900123", "+44 7700 900123", "+1 (415) 555-0100",
//	               "+1-415-555-0100", "+44 (0)20 7183 8750"
//	with 00        the same after "00" at the start of a group:
//	               "0044 7700 900123", "00447700900123"
//	North American area code and exchange [2-9]XX, in groups of 3, 3
//	               and 4: "(415) 555-0100", "415-555-0100",
//	               "415.555.0100", "415 555 0100", "1-415-555-0100"
//	national       a trunk 0 and 1 to 4 more digits, then a space, hyphen
//	               or slash, then the rest, 9 to 12 digits in all:
//	               "07700 900123", "030 1234567", "030/1234567",
//	               "(030) 1234567", "01 23 45 67 89", "(0)20 7183 8750"
//
// Under +1 (or 001) a number has exactly 10 digits after the 1, with an
// area code and exchange of [2-9]XX. A number with dots between its
// groups has two dots at least ("415.555.0100", not "+1234567.89"). What
// is not a phone: a run of digits without a "+" or "00" and without the
// grouping above (order numbers "114-3941689-8772232", ASINs, tracking
// numbers, SKUs, account numbers), dates ("07.12.2026", "12/07/2026",
// "2026-12-07"), times, prices, IP addresses and version numbers, card
// numbers in groups of four, and the digits of an IBAN written after
// its "DE89".
//
// A phone starts at the start of its run, after a break in it (a
// separator of two characters or more that is not a bracket, like
// " / " or "  ") or right after another phone; so the groups of a longer
// number are not taken apart into phones.
const (
	maxPhoneGroups   = 8  // groups of one phone
	minTrunkDigits   = 9  // a national number with its trunk 0
	maxTrunkDigits   = 12 //
	minPhoneRunTotal = 7  // digits a run needs for a phone to be looked for
)

// phoneRun is a digit run as the phone pattern reads it.
type phoneRun struct {
	b     []byte
	gs    []group
	start int  // where the run starts: its first digit, or the "+" or "(" before it
	more  bool // the run has more groups than gs holds
}

// phones adds the phone numbers among the groups of a digit run that
// starts at b[start] (at a "+" when plus).
func phones(b []byte, gs []group, start int, plus, more bool, hits *[]hit) {
	p := phoneRun{b: b, gs: gs, start: start, more: more}
	ok := plus || !p.continuesWord()
	for si := 0; si < len(gs); {
		if ok {
			if s, ei := p.at(si, plus && si == 0); ei >= 0 {
				*hits = append(*hits, hit{start: s, end: gs[ei].e, kind: KindPhone})
				si = ei + 1
				continue
			}
		}
		si++
		ok = si < len(gs) && p.breakBefore(si)
	}
}

// continuesWord reports whether the run continues the word before it:
// "DE89 0044 0532 …" (the digits of an IBAN after its country and check
// digits) or "SKU-0171 1234567".
func (p *phoneRun) continuesWord() bool {
	b, s := p.b, p.start
	if s >= 2 && (b[s-1] == '-' || b[s-1] == '.' || b[s-1] == '/' || b[s-1] == '_') && isAlnum(b[s-2]) {
		return true
	}
	if s >= 5 && b[s-1] == ' ' && isLetter(b[s-5]) && isLetter(b[s-4]) && isDigit(b[s-3]) && isDigit(b[s-2]) {
		return s == 5 || !isAlnum(b[s-6])
	}
	return false
}

// at returns where the phone that starts at group si begins and the
// group it ends with, or -1; plus says the run starts with a "+" there.
func (p *phoneRun) at(si int, plus bool) (int, int) {
	if si > 0 && !p.gs[si].spaced {
		return 0, -1
	}
	s := p.gs[si].s
	if ei := p.international(si, plus); ei >= 0 {
		if plus {
			s = p.start
		}
		return s, ei
	}
	if p.opened(si) || p.paren0(si) {
		s-- // "(415) 555-0100", "(0)20 7183 8750"
	}
	if ei := p.northAmerican(si); ei >= 0 {
		return s, ei
	}
	return s, p.national(si)
}

// glen returns the number of digits of group k.
func (p *phoneRun) glen(k int) int { return p.gs[k].e - p.gs[k].s }

// sep returns the separator before group k > 0.
func (p *phoneRun) sep(k int) []byte { return p.b[p.gs[k-1].e:p.gs[k].s] }

// opened reports whether group k is in brackets of its own, as area
// codes are: "(415)".
func (p *phoneRun) opened(k int) bool {
	g := p.gs[k]
	return g.s > 0 && p.b[g.s-1] == '(' && g.e < len(p.b) && p.b[g.e] == ')'
}

// endOK reports whether a phone may end with group k: at the end of the
// run, or before a separator with a space or "(" (not between "555" and
// "0100" of "555-0100").
func (p *phoneRun) endOK(k int) bool {
	if k+1 < len(p.gs) {
		return p.gs[k+1].spaced
	}
	return !p.more
}

// breakBefore reports whether the separator before group k is a break
// between two numbers: two characters or more, no bracket (" / ", " - ",
// two spaces).
func (p *phoneRun) breakBefore(k int) bool {
	f := sepFlags(p.sep(k))
	return f.chars >= 2 && !f.paren
}

// paren0 reports whether group k is the "(0)" of "+44 (0)20 …".
func (p *phoneRun) paren0(k int) bool {
	g := p.gs[k]
	return g.e-g.s == 1 && p.b[g.s] == '0' && g.s > 0 && p.b[g.s-1] == '(' && g.e < len(p.b) && p.b[g.e] == ')'
}

// sepInfo describes a separator between two groups.
type sepInfo struct {
	chars                       int // characters (a wide space is one)
	space, paren, dot, dash, sl bool
	open, close                 bool // "(" or ")" in it
}

func sepFlags(s []byte) sepInfo {
	var f sepInfo
	for i := 0; i < len(s); {
		f.chars++
		switch s[i] {
		case ' ':
			f.space = true
		case '(':
			f.paren, f.open = true, true
		case ')':
			f.paren, f.close = true, true
		case '.':
			f.dot = true
		case '-':
			f.dash = true
		case '/':
			f.sl = true
		default: // a wide space
			if w := wideSpace(s, i); w > 0 {
				f.space = true
				i += w
				continue
			}
		}
		i++
	}
	return f
}

// international returns the last group of a phone written with "+"
// (plus) or "00" that starts at group si, or -1: an assigned calling
// code and 7 to 15 digits (the digit of a "(0)" not counted), exactly 11
// under +1. The longest such stretch, not running into another "00".
func (p *phoneRun) international(si int, plus bool) int {
	b, gs := p.b, p.gs
	from := gs[si].s
	if !plus {
		if p.glen(si) < 2 || b[from] != '0' || b[from+1] != '0' {
			return -1
		}
		from += 2
	}
	var d [maxE164Digits + 1]byte
	n, dots, best := 0, 0, -1
	for ei := si; ei < len(gs) && ei < si+maxPhoneGroups; ei++ {
		g := gs[ei]
		if ei > si {
			s := p.sep(ei)
			if f := sepFlags(s); f.dot {
				if len(s) != 1 {
					break
				}
				dots++
			}
			if n >= minE164Digits && g.spaced && g.e-g.s >= 2 && b[g.s] == '0' && b[g.s+1] == '0' {
				break // another number with 00
			}
			if p.paren0(ei) {
				if n == 0 || n > 3 || len(callingCode(d[:n])) != n {
					break // a "(0)" comes right after the calling code
				}
				continue
			}
		}
		for k := max(from, g.s); k < g.e; k++ {
			if n == len(d) {
				return best
			}
			d[n] = b[k]
			n++
		}
		if n > maxE164Digits {
			break
		}
		if n >= minE164Digits && p.endOK(ei) && (dots == 0 || dots >= 2) && callingCodeOK(d[:n]) {
			best = ei
		}
	}
	return best
}

// callingCodeOK reports whether the digits d (after "+" or "00") start
// with an assigned calling code, and, under +1, are a North American
// number: 1, then area code and exchange [2-9]XX and 4 digits.
func callingCodeOK(d []byte) bool {
	cc := callingCode(d)
	switch {
	case len(cc) == 0:
		return false
	case len(cc) == 1 && cc[0] == '1':
		return len(d) == 11 && d[1] >= '2' && d[4] >= '2'
	}
	return true
}

// northAmerican returns the last group of a North American number in
// groups of 3, 3 and 4 ("(415) 555-0100", "415-555-0100",
// "415.555.0100", "415 555 0100"), with a 1 in front or not
// ("1-415-555-0100", "1 (415) 555-0100"), that starts at group si, or
// -1.
func (p *phoneRun) northAmerican(si int) int {
	b, gs := p.b, p.gs
	k := si
	if p.glen(k) == 1 && b[gs[k].s] == '1' {
		if k+1 >= len(gs) {
			return -1
		}
		if f := sepFlags(p.sep(k + 1)); f.chars > 2 || f.close || f.sl || f.chars == 2 && !(f.space && f.open) {
			return -1 // "1-", "1.", "1 ", "1 (" only
		}
		k++
	}
	if k+2 >= len(gs) || p.glen(k) != 3 || p.glen(k+1) != 3 || p.glen(k+2) != 4 ||
		b[gs[k].s] < '2' || b[gs[k+1].s] < '2' || !p.endOK(k+2) {
		return -1
	}
	s1, s2 := p.sep(k+1), p.sep(k+2)
	f1, f2 := sepFlags(s1), sepFlags(s2)
	if f2.chars != 1 || f2.paren || f2.sl {
		return -1
	}
	if p.opened(k) {
		// "(415) 555", "(415)555", "(415)-555"
		if s1[0] != ')' || f1.chars > 2 || f1.open || f1.dot || f1.sl {
			return -1
		}
	} else if f1.chars != 1 || f1.paren {
		return -1
	}
	if (f1.dot || f2.dot) && !(f1.dot && f2.dot) {
		return -1
	}
	return k + 2
}

// national returns the last group of a national number with its trunk 0
// that starts at group si ("07700 900123", "030 1234567",
// "(030) 1234567", "(0)20 7183 8750"), or -1: a prefix of 2 to 5
// digits starting with 0 (not 00), a space, hyphen or slash, then more
// groups, 9 to 12 digits in all, joined by spaces, hyphens or slashes.
// The longest such stretch, stopping before a group that starts with 0
// once there are 9 digits (another number).
func (p *phoneRun) national(si int) int {
	b, gs := p.b, p.gs
	pe, n := si, p.glen(si) // the prefix: groups si..pe, n digits
	if p.paren0(si) {
		if si+1 >= len(gs) || len(p.sep(si+1)) != 1 {
			return -1
		}
		pe, n = si+1, 1+p.glen(si+1)
		if b[gs[pe].s] == '0' {
			return -1
		}
	} else if n < 2 || b[gs[si].s] != '0' || b[gs[si].s+1] == '0' {
		return -1
	}
	if n > 5 || pe+1 >= len(gs) || p.date(si) {
		return -1
	}
	s1 := p.sep(pe + 1)
	f1 := sepFlags(s1)
	if p.opened(si) && !p.paren0(si) {
		// "(030) 1234567", "(030)1234567", "(030)-1234567"
		if s1[0] != ')' || f1.chars > 2 || f1.open || f1.dot || f1.sl {
			return -1
		}
	} else if f1.paren || f1.dot || !(f1.space || f1.dash || f1.sl) {
		return -1
	}
	best := -1
	for ei := pe + 1; ei < len(gs) && ei <= si+maxPhoneGroups; ei++ {
		if ei > pe+1 {
			if f := sepFlags(p.sep(ei)); f.paren || f.dot {
				break
			}
		}
		if n >= minTrunkDigits && b[gs[ei].s] == '0' {
			break
		}
		if n += p.glen(ei); n > maxTrunkDigits {
			break
		}
		if n >= minTrunkDigits && p.endOK(ei) {
			best = ei
		}
	}
	return best
}

// date reports whether groups si, si+1 and si+2 are a date: 1 or 2
// digits, 1 or 2 digits, 2 or 4 digits, joined by the same "-", "." or
// "/" ("07-12-2026", "07/12/26").
func (p *phoneRun) date(si int) bool {
	if si+2 >= len(p.gs) {
		return false
	}
	l0, l1, l2 := p.glen(si), p.glen(si+1), p.glen(si+2)
	if l0 > 2 || l1 > 2 || l2 != 2 && l2 != 4 {
		return false
	}
	s1, s2 := p.sep(si+1), p.sep(si+2)
	return len(s1) == 1 && string(s1) == string(s2) && (s1[0] == '-' || s1[0] == '.' || s1[0] == '/')
}
