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
