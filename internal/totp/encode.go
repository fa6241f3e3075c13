package totp

import (
	"encoding/json"
	"strings"
	"unicode/utf8"
)

// encodedKey is a Key as EncodeKey writes it.
type encodedKey struct {
	Secret    string `json:"secret"`
	Algorithm string `json:"algorithm"`
	Digits    int    `json:"digits"`
	Period    int    `json:"period"`
	Issuer    string `json:"issuer,omitempty"`
	Account   string `json:"account,omitempty"`
}

// maxLabel bounds the issuer and account a decoded key may carry.
const maxLabel = 256

// EncodeKey writes a valid key as JSON, every parameter explicit, for an
// escrow copy to encrypt (package escrow). The bytes hold the secret:
// they are encrypted before they go anywhere.
func EncodeKey(k Key) ([]byte, error) {
	if err := k.validate(); err != nil {
		return nil, err
	}
	return json.Marshal(encodedKey(k))
}

// DecodeKey reads what EncodeKey wrote and checks it as Parse checks a
// key. Errors wrap ErrInvalidKey and never quote the input.
func DecodeKey(b []byte) (Key, error) {
	var e encodedKey
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if len(b) > maxInput || dec.Decode(&e) != nil || dec.More() {
		return Key{}, invalid("not an encoded TOTP key")
	}
	for _, s := range []string{e.Issuer, e.Account} {
		if len(s) > maxLabel || !utf8.ValidString(s) {
			return Key{}, invalid("the issuer or account of the encoded key is not valid")
		}
	}
	k := Key(e)
	if err := k.validate(); err != nil {
		return Key{}, err
	}
	return k, nil
}
