package redact

import (
	"strings"
	"sync"

	"github.com/sellervault/sellervault/internal/records"
)

// ccSet holds the calling codes of records.CallingCodes by length, to
// split an E.164 number into its calling code and its national
// significant number (the form a number takes without the country code): ccSet[n-1][v] is true when
// the n-digit number v is a code. The table is built on first use.
var ccSet = sync.OnceValue(func() *[3][1000]bool {
	t := new([3][1000]bool)
	for _, c := range strings.Fields(records.CallingCodes) {
		v := 0
		for i := 0; i < len(c); i++ {
			v = v*10 + int(c[i]-'0')
		}
		t[len(c)-1][v] = true
	}
	return t
})

// callingCode returns the assigned country calling code at the start of
// digits (ASCII digits only), or "" when none is. Calling codes are
// prefix free, so at most one of the first 1, 2 or 3 digits is a code.
func callingCode[S string | []byte](digits S) S {
	set := ccSet()
	v := 0
	for n := 1; n <= 3 && n <= len(digits); n++ {
		c := digits[n-1]
		if c < '0' || c > '9' {
			break
		}
		v = v*10 + int(c-'0')
		if set[n-1][v] {
			return digits[:n]
		}
	}
	return digits[:0]
}
