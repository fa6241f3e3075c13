package payout

import (
	"strconv"
	"strings"
	"sync"
)

// ibanRegistry is the SWIFT IBAN Registry, Release 100 (its latest
// country update is dated October 2025): for every one of its 89
// countries, the IBAN's country code, total length and the structure of
// the BBAN (the part after the country code and the two check digits),
// in the registry's own notation. "8!n" is exactly 8 digits, "4!a"
// exactly 4 upper-case letters, "12!c" exactly 12 letters or digits.
//
// To update: take "IBAN structure" and "IBAN length" from the registry's
// TXT edition (swift.com, Standards, Data Standards, IBAN) and keep one
// line per country, sorted; TestRegistry checks that each line adds up.
const ibanRegistry = `
AD 24 4!n4!n12!c
AE 23 3!n16!n
AL 28 8!n16!c
AT 20 5!n11!n
AZ 28 4!a20!c
BA 20 3!n3!n8!n2!n
BE 16 3!n7!n2!n
BG 22 4!a4!n2!n8!c
BH 22 4!a14!c
BI 27 5!n5!n11!n2!n
BR 29 8!n5!n10!n1!a1!c
BY 28 4!c4!n16!c
CH 21 5!n12!c
CR 22 4!n14!n
CY 28 3!n5!n16!c
CZ 24 4!n16!n
DE 22 8!n10!n
DJ 27 5!n5!n11!n2!n
DK 18 4!n9!n1!n
DO 28 4!c20!n
EE 20 2!n14!n
EG 29 4!n4!n17!n
ES 24 4!n4!n1!n1!n10!n
FI 18 3!n11!n
FK 18 2!a12!n
FO 18 4!n9!n1!n
FR 27 5!n5!n11!c2!n
GB 22 4!a6!n8!n
GE 22 2!a16!n
GI 23 4!a15!c
GL 18 4!n9!n1!n
GR 27 3!n4!n16!c
GT 28 4!c20!c
HN 28 4!a20!n
HR 21 7!n10!n
HU 28 3!n4!n1!n15!n1!n
IE 22 4!a6!n8!n
IL 23 3!n3!n13!n
IQ 23 4!a3!n12!n
IS 26 4!n2!n6!n10!n
IT 27 1!a5!n5!n12!c
JO 30 4!a4!n18!c
KW 30 4!a22!c
KZ 20 3!n13!c
LB 28 4!n20!c
LC 32 4!a24!c
LI 21 5!n12!c
LT 20 5!n11!n
LU 20 3!n13!c
LV 21 4!a13!c
LY 25 3!n3!n15!n
MC 27 5!n5!n11!c2!n
MD 24 2!c18!c
ME 22 3!n13!n2!n
MK 19 3!n10!c2!n
MN 20 4!n12!n
MR 27 5!n5!n11!n2!n
MT 31 4!a5!n18!c
MU 30 4!a2!n2!n12!n3!n3!a
NI 28 4!a20!n
NL 18 4!a10!n
NO 15 4!n6!n1!n
OM 23 3!n16!c
PK 24 4!a16!c
PL 28 8!n16!n
PS 29 4!a21!c
PT 25 4!n4!n11!n2!n
QA 29 4!a21!c
RO 24 4!a16!c
RS 22 3!n13!n2!n
RU 33 9!n5!n15!c
SA 24 2!n18!c
SC 31 4!a2!n2!n16!n3!a
SD 18 2!n12!n
SE 24 3!n16!n1!n
SI 19 5!n8!n2!n
SK 24 4!n6!n10!n
SM 27 1!a5!n5!n12!c
SO 23 4!n3!n12!n
ST 25 4!n4!n11!n2!n
SV 28 4!a20!n
TL 23 3!n14!n2!n
TN 24 2!n3!n13!n2!n
TR 26 5!n1!n16!c
UA 29 6!n19!c
VA 22 3!n15!n
VG 24 4!a16!n
XK 20 4!n10!n2!n
YE 30 4!a4!n18!c
`

// ibanTerritories lists, for the registry countries whose IBANs also
// serve other ISO 3166 countries and territories, those codes (as the
// registry's "Country code includes other countries/territories" says).
// An account in Guadeloupe has an FR IBAN; its country is GP or FR.
var ibanTerritories = map[string]string{
	"FI": "AX",
	"FR": "GF GP MQ RE PF TF YT NC BL MF PM WF",
	"GB": "IM JE GG",
}

// ibanFormat is one country's line of the registry.
type ibanFormat struct {
	country   string
	length    int    // the whole IBAN's
	structure string // the BBAN's, in registry notation
	segments  []ibanSegment
}

// ibanSegment is one "8!n" of a structure: count characters of a class.
type ibanSegment struct {
	count int
	class byte // 'n' digits, 'a' upper-case letters, 'c' letters and digits
}

// ibanFormats parses ibanRegistry once, on first use.
var ibanFormats = sync.OnceValue(func() map[string]*ibanFormat {
	m := make(map[string]*ibanFormat)
	for _, line := range strings.Split(strings.TrimSpace(ibanRegistry), "\n") {
		f := strings.Fields(line)
		if len(f) != 3 {
			panic("payout: bad IBAN registry line " + strconv.Quote(line))
		}
		n, err := strconv.Atoi(f[1])
		if err != nil {
			panic("payout: bad IBAN registry length " + strconv.Quote(line))
		}
		segs, ok := parseStructure(f[2])
		if !ok {
			panic("payout: bad IBAN registry structure " + strconv.Quote(line))
		}
		m[f[0]] = &ibanFormat{country: f[0], length: n, structure: f[2], segments: segs}
	}
	return m
})

// parseStructure parses a BBAN structure in registry notation, like
// "4!a6!n8!n". Only fixed-length segments ("!") of the classes n, a and
// c occur in the registry; anything else is refused.
func parseStructure(s string) ([]ibanSegment, bool) {
	var segs []ibanSegment
	for s != "" {
		i := 0
		for i < len(s) && '0' <= s[i] && s[i] <= '9' {
			i++
		}
		if i == 0 || i+2 > len(s) || s[i] != '!' {
			return nil, false
		}
		n, err := strconv.Atoi(s[:i])
		if err != nil || n <= 0 {
			return nil, false
		}
		class := s[i+1]
		if class != 'n' && class != 'a' && class != 'c' {
			return nil, false
		}
		segs = append(segs, ibanSegment{count: n, class: class})
		s = s[i+2:]
	}
	return segs, len(segs) > 0
}

// ibanFormatOf returns the registry's line for an IBAN country code, if
// there is one.
func ibanFormatOf(country string) (*ibanFormat, bool) {
	f, ok := ibanFormats()[country]
	return f, ok
}

// usesIBAN reports whether accounts in country (an ISO 3166 code or XK)
// have IBANs: the country is in the registry or is a territory of one.
func usesIBAN(country string) bool {
	if _, ok := ibanFormatOf(country); ok {
		return true
	}
	return ibanParentOf(country) != ""
}

// ibanParentOf returns the registry country whose IBANs serve territory,
// or "".
func ibanParentOf(territory string) string {
	if len(territory) != 2 {
		return ""
	}
	for parent, list := range ibanTerritories {
		if strings.Contains(" "+list+" ", " "+territory+" ") {
			return parent
		}
	}
	return ""
}

// ibanCountryMatches reports whether an IBAN of ibanCountry may be the
// account of a payee in country: the same code, or a territory that the
// registry puts under it.
func ibanCountryMatches(ibanCountry, country string) bool {
	return ibanCountry == country || ibanParentOf(country) == ibanCountry
}
