package totp

import (
	"encoding/base32"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode"

	"github.com/pquerna/otp"
)

// Key is a parsed TOTP key, ready to import into Vault's TOTP engine
// (generate=false).
type Key struct {
	Secret    string // base32, upper case, no padding, no spaces (what Vault's "key" parameter takes)
	Algorithm string // "SHA1", "SHA256" or "SHA512"
	Digits    int    // 6 or 8
	Period    int    // seconds, 15..300 (default 30)
	Issuer    string // from the URI, may be ""
	Account   string // from the URI label, may be ""
}

// String describes the key without its secret, so that a Key that ends
// up in a log line or a %v does not leak the seed.
func (k Key) String() string {
	return fmt.Sprintf("totp.Key{issuer=%q account=%q %s %d digits %ds secret=<%d bits, hidden>}",
		k.Issuer, k.Account, k.Algorithm, k.Digits, k.Period, len(k.Secret)*5/8*8)
}

// GoString is String, for %#v.
func (k Key) GoString() string { return k.String() }

// Limits and defaults of what Parse accepts.
const (
	DefaultAlgorithm = "SHA1"
	DefaultDigits    = 6
	DefaultPeriod    = 30

	MinPeriod = 15  // seconds
	MaxPeriod = 300 // seconds

	// MinSecretBits is the shortest seed accepted: 16 base32 characters,
	// the shortest that authenticator apps and marketplaces use. (RFC 4226
	// section 4 asks for 128 bits and recommends 160.)
	MinSecretBits = 80
	// MaxSecretBits is the longest seed accepted: no HMAC key needs more,
	// and anything longer is not a seed someone was shown.
	MaxSecretBits = 1024

	// maxInput bounds the text Parse looks at: a URI with a 1024-bit
	// seed, a long issuer and a long account fits easily.
	maxInput = 8 << 10
)

// ErrInvalidKey is wrapped by every error Parse returns: the input is not
// a TOTP key that Vault's TOTP engine can import.
var ErrInvalidKey = errors.New("invalid totp key")

// The wording of Parse's errors. None of them has a verb that takes text
// from the input except where noted; numbers are the only thing filled in.
const (
	msgEmpty       = "the input is empty: paste the otpauth:// URI or the base32 secret the marketplace shows"
	msgTooLong     = "the input is too long to be a TOTP key (%d bytes; at most %d)"
	msgBadURI      = "the input is not a valid URI; copy the whole otpauth:// URI again"
	msgScheme      = "unsupported scheme %q: expected an otpauth://totp/ URI or a bare base32 secret" // %q: a scheme from a short allow-list only
	msgSchemeOther = "unsupported URI scheme: expected an otpauth://totp/ URI or a bare base32 secret"
	msgMigration   = "an otpauth-migration:// URI is an authenticator app's export of several accounts, not a marketplace key; scan the marketplace's own QR code or enter its secret"
	msgHOTP        = "HOTP (counter-based) keys are not supported; the marketplace shows a TOTP key"
	msgType        = "the URI is not an otpauth://totp/ key"
	msgDuplicate   = "the URI has more than one %s parameter" // %s: a parameter name chosen here
	msgNoSecret    = "the URI has no secret parameter; copy the whole otpauth:// URI again"
	msgAlgorithm   = "unsupported algorithm %s: Vault's TOTP engine takes SHA1, SHA256 or SHA512" // %s: a name from a short allow-list only
	msgAlgorithmX  = "unsupported algorithm: Vault's TOTP engine takes SHA1, SHA256 or SHA512"
	msgDigits      = "unsupported number of digits %d: Vault's TOTP engine takes 6 or 8"
	msgDigitsNaN   = "the digits parameter is not a number: Vault's TOTP engine takes 6 or 8"
	msgPeriod      = "unsupported period %d seconds: expected %d to %d (most keys use 30)"
	msgPeriodNaN   = "the period parameter is not a number of seconds: expected %d to %d (most keys use 30)"
	msgEncoder     = "Steam Guard keys (encoder=steam) are not supported by Vault's TOTP engine"
	msgEmptySecret = "the secret is empty"
	msgAlphabet    = "the secret is not valid base32: character %d is not one of A-Z and 2-7 (check for 0/O, 1/I and 8/B mix-ups)"
	msgPadding     = "the secret is not valid base32: '=' padding may only come at the end"
	msgTooShort    = "the seed is too short: %d bits; a TOTP seed has at least 80 (RFC 4226 recommends 160)"
	msgTooLongKey  = "the seed is too long: %d bits; at most %d"
	msgLength      = "the secret is not valid base32: %d characters cannot be a whole number of bytes; a character is missing or extra"
)

// parseMessages lists the fixed wording above, for the tests.
var parseMessages = []string{msgEmpty, msgTooLong, msgBadURI, msgScheme, msgSchemeOther, msgMigration,
	msgHOTP, msgType, msgDuplicate, msgNoSecret, msgAlgorithm, msgAlgorithmX, msgDigits, msgDigitsNaN,
	msgPeriod, msgPeriodNaN, msgEncoder, msgEmptySecret, msgAlphabet, msgPadding, msgTooShort,
	msgTooLongKey, msgLength, ErrInvalidKey.Error()}

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalidKey}, args...)...)
}

// Parse accepts either an otpauth://totp/... URI or a bare base32 secret
// (as marketplaces show it: groups separated by spaces, any case, optional
// '=' padding) and returns the key, normalised for Vault's TOTP engine.
// A bare secret gets SHA1, 6 digits and 30 seconds.
//
// Every error wraps ErrInvalidKey and describes the problem only: it never
// contains the secret, nor the input (a URI holds the secret).
func Parse(input string) (Key, error) {
	if len(input) > maxInput {
		return Key{}, invalid(msgTooLong, len(input), maxInput)
	}
	s := strings.TrimSpace(input)
	if s == "" {
		return Key{}, invalid(msgEmpty)
	}
	// base32 has no ':', every URI has one.
	if strings.Contains(s, ":") {
		return parseURI(s)
	}
	secret, err := normalizeSecret(s)
	if err != nil {
		return Key{}, err
	}
	return Key{Secret: secret, Algorithm: DefaultAlgorithm, Digits: DefaultDigits, Period: DefaultPeriod}, nil
}

// namedSchemes are the schemes an error may name: the usual mistakes.
// Any other scheme is not echoed, as it is text from the input.
var namedSchemes = map[string]bool{
	"http": true, "https": true, "hotp": true, "totp": true, "otp": true, "otpauth-migration": true,
	"mailto": true, "file": true, "data": true, "ftp": true, "steam": true, "javascript": true,
}

func parseURI(s string) (Key, error) {
	// otp.NewKeyFromURL returns url.Parse's error as is, and that error
	// quotes the whole URI, secret included: it is never passed on.
	k, err := otp.NewKeyFromURL(s)
	if err != nil {
		return Key{}, invalid(msgBadURI)
	}
	u, err := url.Parse(s)
	if err != nil {
		return Key{}, invalid(msgBadURI)
	}
	switch scheme := strings.ToLower(u.Scheme); {
	case scheme == "otpauth":
	case scheme == "otpauth-migration":
		return Key{}, invalid(msgMigration)
	case namedSchemes[scheme]:
		return Key{}, invalid(msgScheme, scheme)
	default:
		return Key{}, invalid(msgSchemeOther)
	}
	switch typ := strings.ToLower(k.Type()); typ {
	case "totp":
	case "hotp":
		return Key{}, invalid(msgHOTP)
	default:
		return Key{}, invalid(msgType)
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return Key{}, invalid(msgBadURI)
	}
	for _, p := range []string{"secret", "algorithm", "digits", "period", "issuer", "encoder"} {
		if len(q[p]) > 1 {
			return Key{}, invalid(msgDuplicate, p)
		}
	}
	if len(q["secret"]) == 0 {
		return Key{}, invalid(msgNoSecret)
	}
	if strings.EqualFold(q.Get("encoder"), "steam") {
		return Key{}, invalid(msgEncoder)
	}

	key := Key{Algorithm: DefaultAlgorithm, Digits: DefaultDigits, Period: DefaultPeriod}

	// The otp package maps an unknown algorithm to SHA1 and an unparsable
	// digits or period to its default; a key imported that way would give
	// wrong codes, so the raw parameters are checked here.
	if a := q.Get("algorithm"); a != "" {
		switch up := strings.ToUpper(a); up {
		case "SHA1", "SHA256", "SHA512":
			key.Algorithm = up
		default:
			if knownAlgorithm(up) {
				return Key{}, invalid(msgAlgorithm, up)
			}
			return Key{}, invalid(msgAlgorithmX)
		}
	}
	if d := q.Get("digits"); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil {
			return Key{}, invalid(msgDigitsNaN)
		}
		if n != 6 && n != 8 {
			return Key{}, invalid(msgDigits, n)
		}
		key.Digits = n
	}
	if p := q.Get("period"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil {
			return Key{}, invalid(msgPeriodNaN, MinPeriod, MaxPeriod)
		}
		if n < MinPeriod || n > MaxPeriod {
			return Key{}, invalid(msgPeriod, n, MinPeriod, MaxPeriod)
		}
		key.Period = n
	}
	secret, err := normalizeSecret(k.Secret())
	if err != nil {
		return Key{}, err
	}
	key.Secret = secret
	key.Issuer = strings.TrimSpace(k.Issuer())
	key.Account = strings.TrimSpace(k.AccountName())
	return key, nil
}

// knownAlgorithm reports names of hash functions that an error may name.
func knownAlgorithm(a string) bool {
	switch a {
	case "MD5", "SHA", "SHA0", "SHA224", "SHA384", "SHA512/256", "SHA3-256", "SHA3-512", "SHA-1", "SHA-256", "SHA-512":
		return true
	}
	return false
}

// normalizeSecret turns a secret as people copy it (spaces, any case,
// padding) into what Vault's TOTP engine takes, and checks it.
func normalizeSecret(s string) (string, error) {
	var b strings.Builder
	b.Grow(len(s))
	pad := false
	pos := 0 // position among non-space characters, 1-based in errors
	for _, r := range s {
		if unicode.IsSpace(r) {
			continue
		}
		pos++
		switch {
		case r == '=':
			pad = true
			continue
		case pad:
			return "", invalid(msgPadding)
		case r >= 'a' && r <= 'z':
			r -= 'a' - 'A'
		case r >= 'A' && r <= 'Z', r >= '2' && r <= '7':
		default:
			return "", invalid(msgAlphabet, pos)
		}
		b.WriteRune(r)
	}
	secret := b.String()
	if secret == "" {
		return "", invalid(msgEmptySecret)
	}
	bits := len(secret) * 5 / 8 * 8
	if bits < MinSecretBits {
		return "", invalid(msgTooShort, bits)
	}
	if bits > MaxSecretBits {
		return "", invalid(msgTooLongKey, bits, MaxSecretBits)
	}
	// 1, 3 and 6 characters past a multiple of 8 leave bits over that
	// make no byte: base32 never produces such a length.
	switch len(secret) % 8 {
	case 1, 3, 6:
		return "", invalid(msgLength, len(secret))
	}
	if _, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret); err != nil {
		// Not reached after the checks above; the decoder's error quotes
		// no input, but it is not passed on either.
		return "", invalid(msgLength, len(secret))
	}
	return secret, nil
}

// validate checks a Key as Parse would have built it.
func (k Key) validate() error {
	switch k.Algorithm {
	case "SHA1", "SHA256", "SHA512":
	default:
		return invalid(msgAlgorithmX)
	}
	if k.Digits != 6 && k.Digits != 8 {
		return invalid(msgDigits, k.Digits)
	}
	if k.Period < MinPeriod || k.Period > MaxPeriod {
		return invalid(msgPeriod, k.Period, MinPeriod, MaxPeriod)
	}
	s, err := normalizeSecret(k.Secret)
	if err != nil {
		return err
	}
	if s != k.Secret {
		return invalid("the secret is not normalised (upper case, no spaces, no padding); use Parse")
	}
	return nil
}
