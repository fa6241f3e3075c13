package records

// Redaction kinds of sensitive values: the kinds of package redact's
// index, plus RedactLogin, which the repository files as an e-mail when
// the login is an address.
const (
	RedactPassword = "password"
	RedactEmail    = "email"
	RedactPhone    = "phone"
	RedactLogin    = "login"
	RedactStore    = "store"
	RedactIBAN     = "iban"
	RedactAccount  = "account-number"
	RedactRouting  = "routing-number"
)

// Sensitive is a value that must not be pasted into chats or exports,
// with its redaction kind. SIM PINs are not among them: four to eight
// digits would redact every order number that happens to match, and so
// few guesses would find them through the index's HMACs.
type Sensitive struct {
	Kind  string
	Value string
}

// IndexKind is the redaction kind a value is indexed under: a login is an
// e-mail when it is an address, else its own kind.
func (s Sensitive) IndexKind() string {
	if s.Kind == RedactLogin {
		if _, err := ParseEmail(s.Value); err == nil {
			return RedactEmail
		}
	}
	return s.Kind
}

// PayoutSensitive are a payout record's numbers, those given (a routing
// number names a bank, but beside an account number it completes the
// payee).
func PayoutSensitive(iban, account, routing string) []Sensitive {
	var out []Sensitive
	for _, v := range []Sensitive{{Kind: RedactIBAN, Value: iban}, {Kind: RedactAccount, Value: account}, {Kind: RedactRouting, Value: routing}} {
		if v.Value != "" {
			out = append(out, v)
		}
	}
	return out
}
