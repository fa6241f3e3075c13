package redact

// Card numbers: 13 to 19 digits, written together or in groups joined by
// single spaces or hyphens ("4111 1111 1111 1111", "3782-822463-10005"),
// that pass the Luhn check and start like a card of a network that
// issues cards of that length. The prefix rule keeps order numbers
// ("114-1234567-1234567" starts with 1, which no network uses) and most
// other long numbers out: of random digit strings, one in ten passes
// Luhn.
const (
	minCardDigits = 13
	maxCardDigits = 19
	maxCardGroups = 8
)

// cards adds the card numbers among the groups of a digit run: at each
// place a number may start, the longest stretch that is a card.
func cards(b []byte, gs []group, hits *[]hit) {
	var d [maxCardDigits]byte
	for si := 0; si < len(gs); si++ {
		if !gs[si].spaced {
			continue
		}
		best, n := -1, 0
		for ei := si; ei < len(gs) && ei < si+maxCardGroups; ei++ {
			if ei > si && !gs[ei].single {
				break
			}
			g := gs[ei]
			if n+g.e-g.s > maxCardDigits {
				break
			}
			n += copy(d[n:], b[g.s:g.e])
			if n >= minCardDigits && (ei+1 == len(gs) || gs[ei+1].spaced) && isCard(d[:n]) {
				best = ei
			}
		}
		if best >= 0 {
			*hits = append(*hits, hit{start: gs[si].s, end: gs[best].e, kind: KindCard})
			si = best
		}
	}
}

// isCard reports whether d, 13 to 19 ASCII digits, passes the Luhn check
// and has the prefix and length of a card network's numbers.
func isCard(d []byte) bool {
	return cardPrefixOK(d) && luhn(d)
}

// luhn reports whether the digits d pass the Luhn (mod 10) check.
func luhn(d []byte) bool {
	sum, double := 0, false
	for i := len(d) - 1; i >= 0; i-- {
		v := int(d[i] - '0')
		if double {
			if v *= 2; v > 9 {
				v -= 9
			}
		}
		sum += v
		double = !double
	}
	return sum%10 == 0
}

// cardPrefixOK reports whether the digits d start like a card of a
// network that issues numbers of len(d) digits (the issuer identification
// number ranges of Visa, Mastercard, American Express, Discover, JCB,
// Diners Club, UnionPay and Maestro).
func cardPrefixOK(d []byte) bool {
	n := len(d)
	p := func(k int) int { // the first k digits as a number
		v := 0
		for _, c := range d[:k] {
			v = v*10 + int(c-'0')
		}
		return v
	}
	switch d[0] {
	case '4': // Visa
		return n == 13 || n == 16 || n == 19
	case '2': // Mastercard 2221-2720
		v := p(4)
		return n == 16 && v >= 2221 && v <= 2720
	case '5':
		v := p(2)
		if v >= 51 && v <= 55 { // Mastercard
			return n == 16
		}
		return v == 50 || v >= 56 // Maestro
	case '3':
		v := p(2)
		switch {
		case v == 34 || v == 37: // American Express
			return n == 15
		case v == 36 || v == 38 || v == 39 || v == 30 && p(3) <= 305: // Diners Club
			return n >= 14
		case v == 35: // JCB 3528-3589
			w := p(4)
			return n >= 16 && w >= 3528 && w <= 3589
		}
	case '6': // Discover, UnionPay, RuPay (16 to 19); Maestro 63, 67 (13 to 19)
		v := p(2)
		return n >= 16 || v == 63 || v == 67
	}
	return false
}
