package redact

import "unicode/utf8"

// Byte classes, one table lookup each: the scanners are byte loops.
const (
	cSpace  = 1 << iota // ASCII white space: space, \t, \n, \v, \f, \r
	cDigit              // 0-9
	cUpper              // A-Z
	cLower              // a-z
	cTrimL              // punctuation trimmed from the start of a token
	cTrimR              // punctuation trimmed from the end of a token
	cLocal              // e-mail local part, besides letters and digits
	cPEM                // a byte of a PEM body or header line
	cAlnum  = cDigit | cUpper | cLower
	cLetter = cUpper | cLower
)

var class = func() (t [256]uint8) {
	for _, c := range " \t\n\v\f\r" {
		t[c] |= cSpace
	}
	for c := '0'; c <= '9'; c++ {
		t[c] |= cDigit | cPEM
	}
	for c := 'A'; c <= 'Z'; c++ {
		t[c] |= cUpper | cPEM
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] |= cLower | cPEM
	}
	for _, c := range "\"'`([{<*_~" {
		t[c] |= cTrimL
	}
	for _, c := range ".,;:!?\"'`)]}>*_~" {
		t[c] |= cTrimR
	}
	for _, c := range "._%+-" {
		t[c] |= cLocal
	}
	for _, c := range "+/=:,._-" {
		t[c] |= cPEM
	}
	return t
}()

func isSpace(c byte) bool { return class[c]&cSpace != 0 }
func isDigit(c byte) bool { return class[c]&cDigit != 0 }
func isAlnum(c byte) bool { return class[c]&cAlnum != 0 }
func isLetter(c byte) bool {
	return class[c]&cLetter != 0
}

// wideSpace returns the length of a non-ASCII space at b[i:] that people
// and copies from PDFs put between groups of digits (no-break space
// U+00A0, figure space U+2007, thin space U+2009, narrow no-break space
// U+202F), or 0.
func wideSpace(b []byte, i int) int {
	switch b[i] {
	case 0xC2:
		if i+1 < len(b) && b[i+1] == 0xA0 {
			return 2
		}
	case 0xE2:
		if i+2 < len(b) && b[i+1] == 0x80 && (b[i+2] == 0x87 || b[i+2] == 0x89 || b[i+2] == 0xAF) {
			return 3
		}
	}
	return 0
}

// spaceAt returns the length of the white space (ASCII or wideSpace) at
// b[i:], or 0.
func spaceAt(b []byte, i int) int {
	if isSpace(b[i]) {
		return 1
	}
	if b[i] < 0x80 {
		return 0
	}
	return wideSpace(b, i)
}

// quoteAt returns the length of a typographic quote or guillemet at
// b[i:] (‘ ’ “ ” „ « »), which phones and word processors put around
// words, or 0. They are trimmed from tokens like ASCII quotes.
func quoteAt(b []byte, i int) int {
	switch b[i] {
	case 0xC2:
		if i+1 < len(b) && (b[i+1] == 0xAB || b[i+1] == 0xBB) {
			return 2
		}
	case 0xE2:
		if i+2 < len(b) && b[i+1] == 0x80 && (b[i+2] == 0x98 || b[i+2] == 0x99 || b[i+2] == 0x9C || b[i+2] == 0x9D || b[i+2] == 0x9E) {
			return 3
		}
	}
	return 0
}

// quoteBefore returns the length of a typographic quote that ends at
// b[:e], or 0.
func quoteBefore(b []byte, e int) int {
	for _, n := range [...]int{3, 2} {
		if e-n >= 0 && quoteAt(b[:e], e-n) == n {
			return n
		}
	}
	return 0
}

// wholeRunes returns len(b), less the bytes of a UTF-8 sequence that
// b ends in the middle of (if that leaves any).
func wholeRunes(b []byte) int {
	for j := len(b) - 1; j >= 0 && j >= len(b)-utf8.UTFMax+1; j-- {
		if utf8.RuneStart(b[j]) {
			if j > 0 && !utf8.FullRune(b[j:]) {
				return j
			}
			break
		}
	}
	return len(b)
}
