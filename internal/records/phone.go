package records

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Length of an E.164 number in digits, country calling code included.
// E.164 allows up to 15; 8 is sellervault's floor (no company phone that
// receives codes is shorter).
const (
	minPhoneDigits = 8
	maxPhoneDigits = 15
)

// CallingCodes is the set of assigned country calling codes of ITU-T
// E.164 (the ITU's list of assigned country codes, as in service: spare
// and reserved codes such as 379 for Vatican City, which uses +39, are
// left out), including the international non-geographic codes (800, 808,
// 870, 878, 881-883, 888, 979). It is one string so that it costs nothing
// at start-up: each code is surrounded by spaces. Calling codes are prefix
// free, so at most one of a number's first 1, 2 or 3 digits is a code.
// It matches the calling codes that libphonenumber supports.
const CallingCodes = " " +
	// Zone 1: the North American Numbering Plan.
	"1 " +
	// Zone 2: Africa and some Atlantic islands.
	"20 211 212 213 216 218 " +
	"220 221 222 223 224 225 226 227 228 229 " +
	"230 231 232 233 234 235 236 237 238 239 " +
	"240 241 242 243 244 245 246 247 248 249 " +
	"250 251 252 253 254 255 256 257 258 " +
	"260 261 262 263 264 265 266 267 268 269 " +
	"27 290 291 297 298 299 " +
	// Zones 3 and 4: Europe.
	"30 31 32 33 34 350 351 352 353 354 355 356 357 358 359 36 " +
	"370 371 372 373 374 375 376 377 378 380 381 382 383 385 386 387 389 39 " +
	"40 41 420 421 423 43 44 45 46 47 48 49 " +
	// Zone 5: the Americas outside the NANP.
	"500 501 502 503 504 505 506 507 508 509 " +
	"51 52 53 54 55 56 57 58 " +
	"590 591 592 593 594 595 596 597 598 599 " +
	// Zone 6: South-east Asia and Oceania.
	"60 61 62 63 64 65 66 " +
	"670 672 673 674 675 676 677 678 679 " +
	"680 681 682 683 685 686 687 688 689 690 691 692 " +
	// Zone 7: Russia and Kazakhstan.
	"7 " +
	// Zone 8: East Asia and international services.
	"800 808 81 82 84 850 852 853 855 856 86 870 878 880 881 882 883 886 888 " +
	// Zone 9: West, Central and South Asia.
	"90 91 92 93 94 95 98 " +
	"960 961 962 963 964 965 966 967 968 970 971 972 973 974 975 976 977 979 " +
	"992 993 994 995 996 998 "

// callingCode returns the assigned country calling code at the start of
// digits, or "" when none is.
func callingCode(digits string) string {
	for n := 1; n <= 3 && n <= len(digits); n++ {
		if strings.Contains(CallingCodes, " "+digits[:n]+" ") {
			return digits[:n]
		}
	}
	return ""
}

const phoneExample = "+1 415 555 0100"

// ParsePhone checks a phone number and returns it in E.164 form: "+", the
// country calling code and the number, 8 to 15 digits in all, the first
// not 0, like "+14155550100". The input must start with "+" (surrounding
// spaces are trimmed) and may separate digits with spaces, hyphens, dots
// and parentheses, like "+1 (415) 555-0100". The country calling code must
// be assigned (an embedded table of ITU-T E.164 codes); numbers under +1
// (the North American Numbering Plan) must have 10 digits after it. A
// national number ("0415 555 0100"), the "00" international prefix, a
// "(0)" trunk prefix, letters and extensions are refused with a hint.
func ParsePhone(s string) (string, error) {
	s = strings.TrimSpace(s)
	q := quoteInput(s)
	if s == "" {
		return "", invalidf("phone number is empty; use + and the country code, like %s", phoneExample)
	}
	if !strings.HasPrefix(s, "+") {
		if strings.HasPrefix(s, "00") {
			return "", invalidf("phone number %s starts with 00; write + instead of 00, then the country code, like %s", q, phoneExample)
		}
		return "", invalidf("phone number %s has no country code; add it with a leading +, like %s", q, phoneExample)
	}
	if strings.Contains(s, "(0)") {
		return "", invalidf("phone number %s has \"(0)\"; leave out the national 0 after the country code, like +44 20 7183 8750", q)
	}
	digits := make([]byte, 0, maxPhoneDigits)
	depth := 0 // parentheses open
	for i := 1; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case '0' <= r && r <= '9':
			if len(digits) > maxPhoneDigits {
				continue // counted below; do not grow without bound
			}
			digits = append(digits, byte(r))
		case r == ' ' || r == '-' || r == '.':
		case r == '(':
			if depth++; depth > 1 {
				return "", invalidf("phone number %s has nested parentheses; use them at most around the area code, like %s", q, phoneExample)
			}
		case r == ')':
			if depth--; depth < 0 {
				return "", invalidf("phone number %s has a \")\" without \"(\"; use digits and spaces, like %s", q, phoneExample)
			}
		case r == '+':
			return "", invalidf("phone number %s has a + after the start; give one number with one +, like %s", q, phoneExample)
		case unicode.IsLetter(r):
			return "", invalidf("phone number %s has letters; write it with digits only and without an extension, like %s", q, phoneExample)
		default:
			return "", invalidf("phone number %s has %s; use digits with spaces, hyphens, dots or parentheses, like %s", q, describeRune(r, size), phoneExample)
		}
	}
	if depth != 0 {
		return "", invalidf("phone number %s has a \"(\" without \")\"; use digits and spaces, like %s", q, phoneExample)
	}
	switch n := len(digits); {
	case n == 0:
		return "", invalidf("phone number %s has no digits; use + and the country code, like %s", q, phoneExample)
	case n > maxPhoneDigits:
		return "", invalidf("phone number %s has more than %d digits; check it and give one number without an extension", q, maxPhoneDigits)
	case digits[0] == '0':
		return "", invalidf("phone number %s has 0 after the +; a country code never starts with 0: use + and the country code, like %s", q, phoneExample)
	case n < minPhoneDigits:
		return "", invalidf("phone number %s has %d digits; an international number has at least %d, counting the country code", q, n, minPhoneDigits)
	}
	d := string(digits)
	cc := callingCode(d)
	if cc == "" {
		return "", invalidf("phone number %s does not start with an assigned country code; check the digits after the + (like +1, +44, +49)", q)
	}
	if cc == "1" && len(d) != 11 {
		return "", invalidf("phone number %s has %d digits after +1; North American numbers have 10, like %s", q, len(d)-1, phoneExample)
	}
	return "+" + d, nil
}
