package redact

import "github.com/sellervault/sellervault/internal/payout"

// IBANs: two letters and two digits at the start of a word, then letters
// and digits, in groups joined by single spaces (or no-break spaces or
// hyphens), 15 to 34 of them: "DE89 3704 0044 0532 0130 00",
// "de89370400440532013000". A run may take in the words after it
// ("… 0130 00 please"), so each length at which a group ends is tried,
// longest first; the first that is a valid IBAN (payout.ValidateIBAN:
// registry country, length and structure, and mod 97) is the finding,
// and, normalised, the candidate.
const (
	minIBANLen = 15
	maxIBANLen = 34
)

// ibanAt reads an IBAN that may start at b[s], two letters and two
// digits at the start of a word: to hits, and to x as a candidate (nil
// for none). It returns where the IBAN ends, if there is one.
func ibanAt(b []byte, s int, hits *[]hit, x *extractor) (int, bool) {
	type stop struct{ end, count int }
	var stops [maxIBANLen + 1]stop
	var norm [maxIBANLen]byte
	n := len(b)
	ns, count, j := 0, 0, s
	for j < n && count < maxIBANLen {
		c := b[j]
		if class[c]&cAlnum != 0 {
			if class[c]&cLower != 0 {
				c -= 'a' - 'A'
			}
			norm[count] = c
			count++
			j++
			continue
		}
		stops[ns] = stop{j, count}
		ns++
		w := 0
		if c == ' ' || c == '-' {
			w = 1
		} else if c >= 0x80 {
			w = wideSpace(b, j)
		}
		if w == 0 || j+w >= n || class[b[j+w]]&cAlnum == 0 {
			break
		}
		j += w
	}
	if (j == n || class[b[j]]&cAlnum == 0) && (ns == 0 || stops[ns-1].end != j) {
		stops[ns] = stop{j, count}
		ns++
	}
	for k := ns - 1; k >= 0; k-- {
		st := stops[k]
		if st.count < minIBANLen {
			break
		}
		v := norm[:st.count]
		if ibanMod97(v) != 1 || payout.ValidateIBAN(string(v)) != nil {
			continue
		}
		*hits = append(*hits, hit{start: s, end: st.end, kind: KindIBAN})
		if x != nil && x.wants(clsIBAN, len(v)) {
			x.add(s, st.end, v)
		}
		return st.end, true
	}
	return 0, false
}

// ibanMod97 is the ISO 7064 MOD 97-10 remainder of an IBAN of upper-case
// letters and digits (a valid one leaves 1): a cheap test before
// payout.ValidateIBAN, which is the authority.
func ibanMod97(s []byte) int {
	r := 0
	add := func(c byte) {
		if c <= '9' {
			r = (r*10 + int(c-'0')) % 97
		} else {
			r = (r*100 + int(c-'A') + 10) % 97
		}
	}
	for _, c := range s[4:] {
		add(c)
	}
	for _, c := range s[:4] {
		add(c)
	}
	return r
}
