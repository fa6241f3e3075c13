package redact

// Kinds of findings. The first six are the kinds of the redaction index
// (values sellervault stores); the rest are found by pattern alone.
const (
	KindPassword = "password"
	KindEmail    = "email"
	KindPhone    = "phone"
	KindIBAN     = "iban"
	KindAccount  = "account-number"
	KindRouting  = "routing-number"
	KindStore    = "store"

	KindCard       = "card-number"
	KindOTPAuth    = "otpauth-uri"
	KindTOTPSeed   = "totp-seed"
	KindVaultToken = "vault-token"
	KindPrivateKey = "private-key"
)

// Marker returns what Redact writes in place of a finding of kind.
func Marker(kind string) string { return "[REDACTED:" + kind + "]" }
