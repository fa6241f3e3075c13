package totp

import (
	"errors"
	"fmt"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// Code computes the TOTP code (RFC 6238) for k at time t, as Vault's TOTP
// engine would: used to cross-check Vault's answer after an import. k must
// be valid as Parse returns it; t must not be before 1970.
func Code(k Key, t time.Time) (string, error) {
	if err := k.validate(); err != nil {
		return "", fmt.Errorf("compute totp code: %w", err)
	}
	if t.Unix() < 0 {
		return "", errors.New("compute totp code: the time is before 1970")
	}
	alg := otp.AlgorithmSHA1
	switch k.Algorithm {
	case "SHA256":
		alg = otp.AlgorithmSHA256
	case "SHA512":
		alg = otp.AlgorithmSHA512
	}
	code, err := totp.GenerateCodeCustom(k.Secret, t, totp.ValidateOpts{
		Period:    uint(k.Period),
		Digits:    otp.Digits(k.Digits),
		Algorithm: alg,
	})
	if err != nil {
		// The otp package's errors are fixed strings without the secret;
		// still, only the fact is reported.
		return "", errors.New("compute totp code: the secret is not valid base32")
	}
	return code, nil
}

// Remaining is how many whole seconds of the period containing t are left
// (1..period): a code shown at t is valid for that long. A period of 0 or
// less counts as the default of 30 seconds.
func Remaining(period int, t time.Time) int {
	if period <= 0 {
		period = DefaultPeriod
	}
	p := int64(period)
	into := t.Unix() % p
	if into < 0 {
		into += p
	}
	return int(p - into)
}
