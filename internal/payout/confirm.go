package payout

import "strings"

// ConfirmationField names what an approver of a change types the last
// four characters of: the new IBAN, else the new account number ("" when
// the record has neither).
func ConfirmationField(r Record) (name, value string) {
	r = r.Normalize()
	switch {
	case r.IBAN != "":
		return "iban", r.IBAN
	case r.Account != "":
		return "account", r.Account
	}
	return "", ""
}

// ConfirmsLast4 reports whether typed is the last four characters of the
// record's IBAN or account number (case and spaces do not matter). It is
// what an approver types after reading the masked change, so a change
// approved without reading it is refused. A record with neither field
// needs nothing typed.
func ConfirmsLast4(r Record, typed string) bool {
	_, value := ConfirmationField(r)
	if value == "" {
		return true
	}
	want := strings.ToUpper(value)
	if len(want) > 4 {
		want = want[len(want)-4:]
	}
	got := strings.ToUpper(strings.Join(strings.Fields(typed), ""))
	return got == want
}
