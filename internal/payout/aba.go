package payout

import (
	"unicode/utf8"
)

// ValidateABA checks a normalised ABA routing number (a US bank's
// routing transit number): 9 digits; the first two in a range the
// Federal Reserve assigns (00 to 12 for banks, 21 to 32 for thrifts,
// 61 to 72 for electronic transactions, 80 for traveller's cheques); and
// the checksum 3×(d1+d4+d7) + 7×(d2+d5+d8) + (d3+d6+d9) ≡ 0 (mod 10),
// which catches every changed digit and most swaps. A routing number
// identifies a bank, not an account, and is not secret: errors quote it.
func ValidateABA(s string) error {
	const fix = "give the bank's 9-digit ABA routing number, like 021000021"
	if s == "" {
		return invalidf("routing is empty; %s", fix)
	}
	q := quoteInput(s)
	for i := 0; i < len(s); {
		if isDigit(s[i]) {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		what := describeRune(r, size)
		if 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' {
			what = "a letter"
		}
		return invalidf("routing %s has %s; a routing number has only digits", q, what)
	}
	if len(s) != 9 {
		return invalidf("routing %s has %d digits; %s", q, len(s), fix)
	}
	if p := int(s[0]-'0')*10 + int(s[1]-'0'); !(p <= 12 || 21 <= p && p <= 32 || 61 <= p && p <= 72 || p == 80) {
		return invalidf("routing %s starts with %s, which is not a Federal Reserve routing prefix (00-12, 21-32, 61-72 or 80); check it", q, s[:2])
	}
	if abaSum(s)%10 != 0 {
		return invalidf("routing %s fails the ABA checksum: a digit is wrong or two are swapped; compare it with the bank's document", q)
	}
	return nil
}

// abaSum is the weighted digit sum of a 9-digit routing number (weights
// 3, 7, 1 repeated); a valid number's is a multiple of 10.
func abaSum(s string) int {
	weights := [9]int{3, 7, 1, 3, 7, 1, 3, 7, 1}
	sum := 0
	for i := range 9 {
		sum += weights[i] * int(s[i]-'0')
	}
	return sum
}

// abaCountries are the countries whose banks have ABA routing numbers:
// the United States and its territories with US banking (Puerto Rico,
// Guam, the US Virgin Islands, American Samoa, the Northern Mariana
// Islands).
const abaCountries = " US PR GU VI AS MP "

func isABACountry(cc string) bool {
	return len(cc) == 2 && containsWord(abaCountries, cc)
}
