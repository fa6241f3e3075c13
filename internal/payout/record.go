package payout

import (
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sellervault/sellervault/internal/iso3166"
)

// Schemes of a payout account; see Record.Scheme.
const (
	SchemeIBAN  = "iban"  // an IBAN, with the bank's BIC where it is known
	SchemeABA   = "aba"   // a US routing number, account number and account type
	SchemeSWIFT = "swift" // a BIC and a local account number, for countries without IBANs
)

// Names of the fields, as in Fields, Diff, Matches and the JSON keys of
// ParseJSON.
const (
	FieldHolder      = "holder"
	FieldIBAN        = "iban"
	FieldBIC         = "bic"
	FieldRouting     = "routing"
	FieldAccount     = "account"
	FieldAccountType = "account_type"
	FieldBank        = "bank"
	FieldCountry     = "country"
	FieldCurrency    = "currency"
	FieldProvider    = "provider"
)

// fieldNames is every field, in bank-form order.
var fieldNames = [...]string{
	FieldHolder, FieldIBAN, FieldBIC, FieldRouting, FieldAccount,
	FieldAccountType, FieldBank, FieldCountry, FieldCurrency, FieldProvider,
}

// Account types of the ABA scheme.
const (
	AccountChecking = "checking"
	AccountSavings  = "savings"
)

// providerList is the payout providers a record may name, space-separated;
// "other" is any provider not listed (or a bank account of the seller's
// own).
const providerList = "payoneer pingpong lianlian worldfirst airwallex wise other"

// maxTextLen is the longest holder or bank name, in characters: the
// longest name field of ISO 20022 payment messages.
const maxTextLen = 140

// Record is a store's payout details: the bank account a marketplace pays
// the store's money into. The fields are in the order bank forms ask for
// them. Call Normalize on what a person typed, then Validate.
type Record struct {
	Holder      string // account holder, as the bank knows them; required
	IBAN        string // normalised: upper case, no spaces
	BIC         string // normalised: upper case, 8 or 11 characters
	Routing     string // ABA routing number, 9 digits
	Account     string // account number (US: 4-17 digits; SWIFT local: 1-34 letters and digits)
	AccountType string // "checking" or "savings" (ABA only)
	Bank        string // the bank's name, optional
	Country     string // ISO 3166 alpha-2 (or XK), upper case; filled from the IBAN when empty
	Currency    string // ISO 4217, upper case, optional
	Provider    string // optional: payoneer, pingpong, lianlian, worldfirst, airwallex, wise, other
}

// Field is one field of a record, for display, copying and --field.
// Sensitive fields (the IBAN and the account number) are masked by every
// display unless the user asks for them in clear; a routing number or a
// BIC names a bank, not an account, and is not sensitive.
type Field struct {
	Name      string
	Value     string
	Sensitive bool
}

// Scheme reports the record's scheme: SchemeIBAN when it has an IBAN,
// SchemeABA when it has a routing number, SchemeSWIFT when it has a BIC
// and an account number (and no IBAN), "" when it has no account. A
// record with more than one of these is refused by Validate.
func (r Record) Scheme() string {
	switch {
	case r.IBAN != "":
		return SchemeIBAN
	case r.Routing != "":
		return SchemeABA
	case r.BIC != "" && r.Account != "":
		return SchemeSWIFT
	}
	return ""
}

// Normalize returns the record with every field normalised: surrounding
// spaces trimmed; the IBAN by NormalizeIBAN (no spaces, hyphens or dots,
// upper case, no "IBAN" prefix); the BIC in upper case without spaces;
// the routing number without spaces and hyphens; the account number
// without spaces, hyphens and dots, in upper case; country and currency
// in upper case; provider and account type in lower case. Only ASCII
// letters change case. When Country is empty and the IBAN starts with
// two letters, Country is set to them. Normalize checks nothing and is
// idempotent: normalising twice gives what normalising once gave.
func (r Record) Normalize() Record {
	n := Record{
		Holder:      strings.TrimSpace(r.Holder),
		IBAN:        NormalizeIBAN(r.IBAN),
		BIC:         normalizeBIC(r.BIC),
		Routing:     normalizeRouting(r.Routing),
		Account:     normalizeAccount(r.Account),
		AccountType: normalizeWord(r.AccountType),
		Bank:        strings.TrimSpace(r.Bank),
		Country:     normalizeCode(r.Country),
		Currency:    normalizeCode(r.Currency),
		Provider:    normalizeWord(r.Provider),
	}
	if n.Country == "" && len(n.IBAN) >= 2 && isUpper(n.IBAN[0]) && isUpper(n.IBAN[1]) {
		n.Country = n.IBAN[:2]
	}
	return n
}

// Validate checks a normalised record and returns every problem at once,
// joined with errors.Join, each a one-line error that starts with the
// name of the field it is about and matches records.ErrInvalidInput; nil
// when the record is good. It checks:
//
//   - the holder is there, at most 140 characters, without control or
//     invisible formatting characters;
//   - there is exactly one scheme: an IBAN (BIC optional); or a routing
//     number, account number and account type (BIC optional, of a US
//     bank); or a BIC and a local account number;
//   - every field that is set is valid: ValidateIBAN, ValidateBIC,
//     ValidateABA; a US account number is 4 to 17 digits, a local one 1
//     to 34 letters and digits; the account type is checking or savings
//     and only for ABA; the country is an ISO 3166 code or XK; the
//     currency an active ISO 4217 code of money; the provider one of the
//     known ones;
//   - the IBAN's country is Country and the BIC's country (or they are
//     a territory whose accounts have that country's IBANs, like GP for
//     FR), and a routing number goes with a US country and US BIC;
//   - a local account number with a BIC is not for a country whose banks
//     use IBANs (there the IBAN is the account number to give).
//
// Errors never hold an IBAN or account number in clear.
func (r Record) Validate() error {
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	if r.Holder == "" {
		add(invalidf("holder is empty; give the account holder's name as the bank has it"))
	} else {
		add(checkText(FieldHolder, r.Holder))
	}

	scheme := r.Scheme()
	switch {
	case r.IBAN != "" && r.Routing != "":
		add(invalidf("iban and routing are both set; a payout record has one scheme: an IBAN, a US routing and account number, or a BIC and local account number"))
	case r.IBAN != "" && r.Account != "":
		add(invalidf("iban and account are both set; the IBAN holds the account number: drop the account, or the IBAN for a local account with a BIC"))
	case scheme == "" && r.BIC != "":
		add(invalidf("account is empty; with a BIC give the local account number, or give the IBAN instead"))
	case scheme == "" && r.Account != "":
		add(invalidf("account %s has no routing number or BIC; give the US routing number or the bank's BIC, or the IBAN instead", MaskAccount(r.Account)))
	case scheme == "":
		add(invalidf("iban, routing and account are empty; give an IBAN, a US routing and account number, or a BIC and local account number"))
	}

	if r.IBAN != "" {
		add(ValidateIBAN(r.IBAN))
	}
	if r.BIC != "" {
		add(ValidateBIC(r.BIC))
	}
	if r.Routing != "" {
		add(ValidateABA(r.Routing))
	}
	if r.Account != "" && r.IBAN == "" {
		add(checkAccount(r.Account, scheme == SchemeABA))
	}
	if scheme == SchemeABA && r.Account == "" {
		add(invalidf("account is empty; give the US account number (4 to 17 digits)"))
	}
	if scheme == SchemeABA && r.AccountType == "" {
		add(invalidf("account_type is empty; a US account is %s or %s", AccountChecking, AccountSavings))
	}
	if r.AccountType != "" {
		switch {
		case scheme != SchemeABA && scheme != "":
			add(invalidf("account_type is only for US accounts with a routing number; leave it empty"))
		case r.AccountType != AccountChecking && r.AccountType != AccountSavings:
			add(invalidf("account_type %s is not known; use %s or %s", quoteInput(r.AccountType), AccountChecking, AccountSavings))
		}
	}
	add(r.checkCountries(scheme))
	if r.Bank != "" {
		add(checkText(FieldBank, r.Bank))
	}
	if r.Currency != "" {
		add(validateCurrency(r.Currency))
	}
	if r.Provider != "" && !containsWord(" "+providerList+" ", r.Provider) {
		add(invalidf("provider %s is not known; use one of %s", quoteInput(r.Provider), strings.ReplaceAll(providerList, " ", ", ")))
	}
	return errors.Join(errs...)
}

// checkCountries checks Country and how it and the BIC's country go with
// the scheme.
func (r Record) checkCountries(scheme string) error {
	var errs []error
	countryOK := r.Country == ""
	if r.Country != "" {
		if r.Country == "XK" || iso3166.Assigned(r.Country) {
			countryOK = true
		} else {
			errs = append(errs, invalidf("country %s is not an ISO 3166 country code; use two letters, like DE, GB or US", quoteInput(r.Country)))
		}
	}
	ibanCC := ""
	if len(r.IBAN) >= 2 && isUpper(r.IBAN[0]) && isUpper(r.IBAN[1]) {
		ibanCC = r.IBAN[:2]
	}
	bicCC := ""
	if r.BIC != "" && ValidateBIC(r.BIC) == nil {
		bicCC = bicCountry(r.BIC)
	}
	switch scheme {
	case SchemeIBAN:
		if r.Country != "" && countryOK && ibanCC != "" && !ibanCountryMatches(ibanCC, r.Country) {
			errs = append(errs, invalidf("country %s does not match the iban's country %s; check both", r.Country, ibanCC))
		}
		if bicCC != "" && ibanCC != "" && !ibanCountryMatches(ibanCC, bicCC) {
			errs = append(errs, invalidf("bic %s is of a bank in %s, but the iban is of %s; check both (the bic may be left empty)", r.BIC, bicCC, ibanCC))
		}
	case SchemeABA:
		if r.Country != "" && countryOK && !isABACountry(r.Country) {
			errs = append(errs, invalidf("country %s does not go with a routing number; ABA routing numbers are for banks in the US (and PR, GU, VI, AS, MP)", r.Country))
		}
		if bicCC != "" && !isABACountry(bicCC) {
			errs = append(errs, invalidf("bic %s is of a bank in %s, but a routing number is for a US bank; check both", r.BIC, bicCC))
		}
	case SchemeSWIFT:
		if bicCC != "" && usesIBAN(bicCC) {
			errs = append(errs, invalidf("account %s is a local account number, but banks in %s (bic %s) use IBANs; give the IBAN instead", MaskAccount(r.Account), bicCC, r.BIC))
		}
	}
	return errors.Join(errs...)
}

// checkAccount checks an account number that is not in an IBAN: a US one
// (us) is 4 to 17 digits, a local one with a BIC 1 to 34 letters and
// digits. Errors show it masked.
func checkAccount(s string, us bool) error {
	for i := 0; i < len(s); {
		c := s[i]
		if isDigit(c) || !us && isUpper(c) {
			i++
			continue
		}
		switch {
		case us && (isUpper(c) || 'a' <= c && c <= 'z'):
			return invalidf("account %s has a letter at position %d; a US account number has only digits", MaskAccount(s), i+1)
		case 'a' <= c && c <= 'z':
			return invalidf("account %s has lower-case letters; normalise it first", MaskAccount(s))
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		return invalidf("account %s has %s; an account number has only letters and digits", MaskAccount(s), describeRune(r, size))
	}
	switch {
	case us && (len(s) < 4 || len(s) > 17):
		return invalidf("account %s has %d digits; a US account number has 4 to 17", MaskAccount(s), len(s))
	case len(s) > 34:
		return invalidf("account %s has %d characters; an account number has at most 34", MaskAccount(s), len(s))
	}
	return nil
}

// checkText checks a name (holder or bank): UTF-8, no control or
// invisible formatting characters (which could hide or reorder what a
// person sees), at most maxTextLen characters.
func checkText(field, s string) error {
	if !utf8.ValidString(s) {
		return invalidf("%s has bytes that are not UTF-8", field)
	}
	n := 0
	for _, r := range s {
		n++
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return invalidf("%s has a control or invisible formatting character (%U) at character %d; type the name again", field, r, n)
		}
	}
	if n > maxTextLen {
		return invalidf("%s is %d characters long; use at most %d", field, n, maxTextLen)
	}
	return nil
}

// Fields lists the record's fields that are set, in bank-form order
// (holder, iban, bic, routing, account, account_type, bank, country,
// currency, provider), with the IBAN and the account number marked
// Sensitive. Values are in clear: use Masked for display.
func (r Record) Fields() []Field {
	var out []Field
	for _, f := range r.allFields() {
		if f.Value != "" {
			out = append(out, f)
		}
	}
	return out
}

// allFields is every field of the record, set or not, in bank-form order.
func (r Record) allFields() []Field {
	values := [...]string{
		r.Holder, r.IBAN, r.BIC, r.Routing, r.Account,
		r.AccountType, r.Bank, r.Country, r.Currency, r.Provider,
	}
	out := make([]Field, len(fieldNames))
	for i, name := range fieldNames {
		out[i] = Field{Name: name, Value: values[i], Sensitive: isSensitive(name)}
	}
	return out
}

// isSensitive reports whether a field holds an account number.
func isSensitive(name string) bool { return name == FieldIBAN || name == FieldAccount }
