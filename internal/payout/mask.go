package payout

import (
	"strings"
	"unicode"
)

// MaskIBAN shows an IBAN for display with only its country code, its
// check digits and its last 4 characters; every other character is a
// "*", and the whole is grouped in fours like a printed IBAN:
//
//	MaskIBAN("DE89370400440532013000") == "DE89 **** **** **** **30 00"
//
// What shows is enough to tell two accounts apart and to check the
// country, not enough to pay into one. A string shorter than 12
// characters (no IBAN is: the shortest has 15) shows only its first two.
// A shown character that is not an ASCII letter or digit shows as "?", so
// the result is always one printable line. An empty string gives "".
func MaskIBAN(s string) string {
	r := []rune(s)
	n := len(r)
	if n == 0 {
		return ""
	}
	head, tail := 4, 4
	if n < 12 {
		head, tail = min(2, n), 0
	}
	var b strings.Builder
	for i, c := range r {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		switch {
		case i >= head && i < n-tail:
			b.WriteByte('*')
		case c < 0x80 && isAlnum(byte(c)) || 'a' <= c && c <= 'z':
			b.WriteRune(c)
		default:
			b.WriteByte('?')
		}
	}
	return b.String()
}

// MaskAccount shows an account number for display as "****" and its last
// 4 characters: MaskAccount("0532013000") == "****3000". The prefix is
// always four stars, so the length does not show. A number of 5 to 7
// characters shows only its last 2, one of 4 or fewer nothing ("****"),
// so that at least half of it stays hidden. A shown character that is
// not an ASCII letter or digit shows as "?". An empty string gives "".
func MaskAccount(s string) string {
	r := []rune(s)
	n := len(r)
	show := 0
	switch {
	case n == 0:
		return ""
	case n >= 8:
		show = 4
	case n >= 5:
		show = 2
	}
	var b strings.Builder
	b.WriteString("****")
	for _, c := range r[n-show:] {
		if c < 0x80 && (isAlnum(byte(c)) || 'a' <= c && c <= 'z') {
			b.WriteRune(c)
		} else {
			b.WriteByte('?')
		}
	}
	return b.String()
}

// Masked returns Fields with the sensitive values (IBAN, account number)
// masked by MaskIBAN and MaskAccount: what every display shows unless the
// user asks for a value in clear on a terminal.
func (r Record) Masked() []Field {
	fields := r.Fields()
	for i := range fields {
		fields[i].Value = displayValue(fields[i].Name, fields[i].Value)
	}
	return fields
}

// displayValue is how a field's value shows in Masked and Diff: masked
// when the field is sensitive; quoted (on one line, cut short) when it
// has characters that a terminal would not show as they are.
func displayValue(name, v string) string {
	switch name {
	case FieldIBAN:
		return MaskIBAN(v)
	case FieldAccount:
		return MaskAccount(v)
	}
	if strings.IndexFunc(v, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0 {
		return quoteInput(v)
	}
	return v
}

// Diff compares two records field by field, after normalising both, and
// returns one line per changed field, in bank-form order, like
//
//	iban: DE89 **** **** **** **30 00 → GB29 **** **** **** **68 19
//	holder: Acme GmbH → Acme Trading GmbH
//
// IBANs and account numbers show masked, never in clear, so a diff can go
// to an approver, a log or a chat. A field that is empty on one side
// shows as "(none)". When a sensitive value changed only in its masked
// part, both sides look the same; the line then ends with
// "(changed in the masked part)", because that is exactly how a tampered
// IBAN looks and the approver must not miss it.
func Diff(old, new Record) []string {
	oldFields, newFields := old.Normalize().allFields(), new.Normalize().allFields()
	var lines []string
	for i, of := range oldFields {
		nf := newFields[i]
		if of.Value == nf.Value {
			continue
		}
		o, n := displayValue(of.Name, of.Value), displayValue(nf.Name, nf.Value)
		if o == "" {
			o = "(none)"
		}
		if n == "" {
			n = "(none)"
		}
		line := of.Name + ": " + o + " → " + n
		if o == n {
			if isSensitive(of.Name) {
				line += " (changed in the masked part)"
			} else {
				line += " (changed beyond the part shown)"
			}
		}
		lines = append(lines, line)
	}
	return lines
}
