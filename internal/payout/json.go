package payout

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// MaxJSONSize is the largest payout proposal ParseJSON reads: far more
// than any real one, small enough that a wrong file is refused at once.
const MaxJSONSize = 16 << 10

// ParseJSON reads a payout proposal, as `payout propose --from-file` and
// stdin give it: one JSON object whose keys are among holder, iban, bic,
// routing, account, account_type, bank, country, currency and provider
// (exactly so spelled, each at most once), every value a string. Missing
// keys are empty fields. Anything else is refused with an error that
// names the problem and, for a key, the key: an unknown key, a repeated
// one, a value that is not a string, input larger than 16 KiB, input
// that is not UTF-8 or not JSON, and anything after the object. A UTF-8
// byte order mark at the start is allowed.
//
// The record is returned as given: call Normalize, then Validate.
// Errors never hold a value of the proposal.
func ParseJSON(data []byte) (Record, error) {
	const keys = "holder, iban, bic, routing, account, account_type, bank, country, currency, provider"
	if len(data) > MaxJSONSize {
		return Record{}, invalidf("payout proposal is %d bytes; the limit is %d (16 KiB)", len(data), MaxJSONSize)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return Record{}, invalidf("payout proposal is not UTF-8 text")
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return Record{}, invalidf("payout proposal is empty; give a JSON object with the keys %s", keys)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return Record{}, jsonError(err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return Record{}, invalidf("payout proposal is %s, not a JSON object; give an object with the keys %s", jsonKind(tok), keys)
	}
	var r Record
	seen := make(map[string]bool)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return Record{}, jsonError(err)
		}
		key, _ := tok.(string) // object keys are always strings
		dst := r.fieldPtr(key)
		if dst == nil {
			if want := strings.ToLower(key); r.fieldPtr(want) != nil {
				return Record{}, invalidf("payout proposal has unknown key %s; use %q", quoteInput(key), want)
			}
			return Record{}, invalidf("payout proposal has unknown key %s; the keys are %s", quoteInput(key), keys)
		}
		if seen[key] {
			return Record{}, invalidf("payout proposal has key %q twice; give each key once", key)
		}
		seen[key] = true
		tok, err = dec.Token()
		if err != nil {
			return Record{}, jsonError(err)
		}
		s, ok := tok.(string)
		if !ok {
			return Record{}, invalidf("payout proposal key %q is %s; its value must be a string", key, jsonKind(tok))
		}
		*dst = s
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return Record{}, jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Record{}, invalidf("payout proposal has more after the JSON object; give exactly one object")
	}
	return r, nil
}

// fieldPtr returns the field that a JSON key names, or nil.
func (r *Record) fieldPtr(key string) *string {
	switch key {
	case FieldHolder:
		return &r.Holder
	case FieldIBAN:
		return &r.IBAN
	case FieldBIC:
		return &r.BIC
	case FieldRouting:
		return &r.Routing
	case FieldAccount:
		return &r.Account
	case FieldAccountType:
		return &r.AccountType
	case FieldBank:
		return &r.Bank
	case FieldCountry:
		return &r.Country
	case FieldCurrency:
		return &r.Currency
	case FieldProvider:
		return &r.Provider
	}
	return nil
}

// jsonKind names the kind of a JSON token, without its value.
func jsonKind(tok json.Token) string {
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			return "an object"
		case '[':
			return "an array"
		}
		return "a " + string(rune(t))
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return fmt.Sprintf("a %T", tok)
}

// jsonError turns a decoding error into a one-line input error. The
// decoder's messages show at most one character of the input.
func jsonError(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return invalidf("payout proposal is cut short; give one complete JSON object")
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	if strings.ContainsAny(msg, "\r\n") {
		msg = "it has a syntax error"
	}
	return invalidf("payout proposal is not valid JSON: %s", msg)
}
