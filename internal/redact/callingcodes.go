package redact

import (
	"strings"

	"github.com/sellervault/sellervault/internal/records"
)

// ccSet holds the calling codes of records.CallingCodes by length, to
// split an E.164 number into its calling code and its national
// significant number (the form a number takes without the country code): ccSet[n-1][v] is true when
// the n-digit number v is a code.
var ccSet = func() (t [3][1000]bool) {
	for _, c := range strings.Fields(records.CallingCodes) {
		v := 0
		for i := 0; i < len(c); i++ {
			v = v*10 + int(c[i]-'0')
		}
		t[len(c)-1][v] = true
	}
	return t
}()

// callingCode returns the assigned country calling code at the start of
// digits (ASCII digits only), or "" when none is. Calling codes are
// prefix free, so at most one of the first 1, 2 or 3 digits is a code.
func callingCode[S string | []byte](digits S) S {
	v := 0
	for n := 1; n <= 3 && n <= len(digits); n++ {
		c := digits[n-1]
		if c < '0' || c > '9' {
			break
		}
		v = v*10 + int(c-'0')
		if ccSet[n-1][v] {
			return digits[:n]
		}
	}
	return digits[:0]
}
