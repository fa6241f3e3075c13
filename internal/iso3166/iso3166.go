// Package iso3166 is the list of ISO 3166-1 alpha-2 country codes: the
// 249 officially assigned codes, as of ISO 3166-1:2020 and its newsletters
// to date (the same list as Debian's iso-codes 4.15). User-assigned codes
// such as XK (Kosovo, used by SWIFT and the IBAN registry), exceptionally
// reserved codes such as UK and EU, and withdrawn codes such as AN and YU
// are not in it: a caller that accepts one of them says so itself.
//
// It is pure data, shared by the packages that check country codes
// (records for store regions, payout for bank countries), so that there
// is one copy to keep up to date.
package iso3166

import "strings"

// Alpha2 is every officially assigned ISO 3166-1 alpha-2 code, upper
// case, sorted, separated by single spaces. One constant, so it costs
// nothing at start-up.
const Alpha2 = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE " +
	"BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD " +
	"CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM " +
	"DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF " +
	"GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU " +
	"ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN " +
	"KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME " +
	"MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA " +
	"NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM " +
	"PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI " +
	"SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK " +
	"TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI " +
	"VN VU WF WS YE YT ZA ZM ZW"

// spaced is Alpha2 with a space on each side, so that " XX " finds a
// whole code.
const spaced = " " + Alpha2 + " "

// Assigned reports whether code is an officially assigned alpha-2 code:
// exactly two upper-case ASCII letters, in Alpha2. It does not fold case
// or trim: callers normalise first.
func Assigned(code string) bool {
	return len(code) == 2 &&
		'A' <= code[0] && code[0] <= 'Z' && 'A' <= code[1] && code[1] <= 'Z' &&
		strings.Contains(spaced, " "+code+" ")
}

// Codes returns the assigned codes, sorted; a new slice on each call, so
// a caller may change it.
func Codes() []string {
	return strings.Fields(Alpha2)
}
