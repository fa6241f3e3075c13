package redact

// Digit runs: phone, account and routing numbers (index candidates) and
// card and phone numbers (patterns). A run is groups of digits joined by up to three
// separator characters (space, no-break space, - . / ( )), like
// "+1 (415) 555-0100", "0044 7700 900123" or "4111-1111-1111-1111". It
// must not touch a letter on either side: "SKU12345678" is no number.
const (
	minNumberDigits = 6  // shortest account or national phone number tried
	maxNumberDigits = 17 // longest (US account numbers have up to 17)
	maxRunGroups    = 7  // a number candidate spans at most this many groups
	maxSepLen       = 3  // separator characters between two groups
	maxRunLen       = 64 // groups of a run looked at; the rest are skipped
	minE164Digits   = 7  // digits of an international number, country code included
	maxE164Digits   = 15
)

// group is one group of digits of a run.
type group struct {
	s, e int
	// spaced: the run starts here or the separator before the group has
	// a space or "(", so a number may start here (not between 555 and
	// 0100 of "555-0100"); single: the separator before is one space or
	// hyphen, as card numbers are written.
	spaced, single bool
}

// numberAt reads the digit run that starts at b[i], a digit at the start
// of a word: card and phone numbers go to hits, number candidates to x (nil for
// none). It returns where the run ends, or, when the word goes on with
// letters ("12345678abc"), where the word ends and false. buf is room
// for the groups.
func numberAt(b []byte, i int, hits *[]hit, x *extractor, buf *[maxRunLen]group) (int, bool) {
	n := len(b)
	start, plus := i, false
	if i > 0 && (b[i-1] == '+' || b[i-1] == '(') && (i == 1 || !isAlnum(b[i-2])) {
		start, plus = i-1, b[i-1] == '+'
	}
	gs := buf[:0]
	total, more := 0, false
	next := group{spaced: true}
	j := i
	for {
		next.s = j
		for j < n && class[b[j]]&cDigit != 0 {
			j++
		}
		next.e = j
		total += j - next.s
		if len(gs) < cap(gs) {
			gs = append(gs, next)
		} else {
			more = true
		}
		k, seps, spaced := j, 0, false
	sep:
		for k < n && seps < maxSepLen {
			switch c := b[k]; c {
			case ' ', '(':
				spaced = true
				k++
			case '-', '.', '/', ')':
				k++
			default:
				w := 0
				if c >= 0x80 {
					w = wideSpace(b, k)
				}
				if w == 0 {
					break sep
				}
				spaced = true
				k += w
			}
			seps++
		}
		if seps == 0 || k >= n || class[b[k]]&cDigit == 0 {
			break
		}
		next = group{spaced: spaced, single: seps == 1 && k-j == 1 && (b[j] == ' ' || b[j] == '-')}
		j = k
	}
	if j < n && isLetter(b[j]) {
		for j < n && isAlnum(b[j]) {
			j++
		}
		return j, false
	}
	if total >= minCardDigits {
		cards(b, gs, hits)
	}
	if total >= minPhoneRunTotal {
		phones(b, gs, start, plus, more, hits)
	}
	if x != nil && total >= minNumberDigits {
		x.numberRun(b, gs, start, plus)
	}
	return j, true
}

// numberRun adds the number candidates of a run: every stretch of whole
// groups that starts and ends where a number may, with 6 to 17 digits.
func (x *extractor) numberRun(b []byte, gs []group, start int, plus bool) {
	for si := range gs {
		if !gs[si].spaced {
			continue
		}
		d := 0
		for ei := si; ei < len(gs) && ei < si+maxRunGroups; ei++ {
			d += gs[ei].e - gs[ei].s
			if d > maxNumberDigits {
				break
			}
			if d < minNumberDigits || ei+1 < len(gs) && !gs[ei+1].spaced {
				continue
			}
			s := gs[si].s
			if si == 0 {
				s = start
			}
			x.numberForms(b, gs[si:ei+1], s, gs[ei].e, plus && si == 0)
		}
	}
}

// numberForms adds the normalised forms of the number made of groups gs,
// spanning b[s:e]:
//
//	"+1 415 555 0100"   +14155550100 (E.164)
//	"+44 (0)20 7183 8750" +4402071838750 and, without the written trunk 0, +442071838750
//	"0044 7700 900123"  447700900123 and +447700900123
//	"07700 900123"      07700900123 and, without the trunk 0, 7700900123
//	"1-415-555-0100"    14155550100 and, as it starts with a calling code, +14155550100
//	"(415) 555-0100"    4155550100
func (x *extractor) numberForms(b []byte, gs []group, s, e int, plus bool) {
	d := x.scratch[:0]
	d = append(d, '+')
	p0 := -1 // where a "(0)" digit is, in d
	for _, g := range gs {
		if g.e-g.s == 1 && b[g.s] == '0' && g.s > 0 && b[g.s-1] == '(' && g.e < len(b) && b[g.e] == ')' {
			p0 = len(d)
		}
		d = append(d, b[g.s:g.e]...)
	}
	x.scratch = d
	digits := d[1:]
	L := len(digits)
	if plus {
		if L < minE164Digits || L > maxE164Digits+1 {
			return
		}
		if L <= maxE164Digits && x.wants(clsNumber, L+1) {
			x.add(s, e, d)
		}
		if p0 >= 0 && x.wants(clsNumber, L) {
			t := append(append(x.scratch[len(d):len(d)], d[:p0]...), d[p0+1:]...)
			x.add(s, e, t)
		}
		return
	}
	if x.wants(clsNumber, L) {
		x.add(s, e, digits)
	}
	switch {
	case L > 2 && digits[0] == '0' && digits[1] == '0':
		if L-2 >= minE164Digits && L-2 <= maxE164Digits && x.wants(clsNumber, L-1) {
			t := append(x.scratch[len(d):len(d)], '+')
			x.add(s, e, append(t, digits[2:]...))
		}
	case digits[0] == '0':
		if L-1 >= minNumberDigits && x.wants(clsNumber, L-1) {
			x.add(s, e, digits[1:])
		}
	case L >= minE164Digits+1 && L <= maxE164Digits && x.wants(clsNumber, L+1) && len(callingCode(digits)) > 0:
		x.add(s, e, d)
	}
}
