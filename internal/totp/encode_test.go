package totp

import (
	"errors"
	"strings"
	"testing"
)

func TestEncodeDecodeKey(t *testing.T) {
	for _, k := range []Key{
		{Secret: "JBSWY3DPEHPK3PXP", Algorithm: "SHA1", Digits: 6, Period: 30, Issuer: "Amazon", Account: "ops-us@acme.example"},
		{Secret: "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", Algorithm: "SHA512", Digits: 8, Period: 60, Issuer: "a:b", Account: ":"},
	} {
		b, err := EncodeKey(k)
		if err != nil {
			t.Fatal(err)
		}
		got, err := DecodeKey(b)
		if err != nil || got != k {
			t.Errorf("round trip of %v: %v, %v", k, got, err)
		}
	}
	if _, err := EncodeKey(Key{Secret: "jbswy3dp", Algorithm: "SHA1", Digits: 6, Period: 30}); !errors.Is(err, ErrInvalidKey) {
		t.Errorf("an invalid key was encoded: %v", err)
	}
}

func TestDecodeKeyRefuses(t *testing.T) {
	const canary = "JBSWY3DPEHPK3PXQ"
	for name, in := range map[string]string{
		"empty":          "",
		"not json":       "otpauth://totp/x?secret=" + canary,
		"unknown field":  `{"secret":"` + canary + `","algorithm":"SHA1","digits":6,"period":30,"counter":1}`,
		"two documents":  `{"secret":"` + canary + `","algorithm":"SHA1","digits":6,"period":30}{}`,
		"bad algorithm":  `{"secret":"` + canary + `","algorithm":"MD5","digits":6,"period":30}`,
		"bad digits":     `{"secret":"` + canary + `","algorithm":"SHA1","digits":7,"period":30}`,
		"bad period":     `{"secret":"` + canary + `","algorithm":"SHA1","digits":6,"period":1}`,
		"lower secret":   `{"secret":"jbswy3dpehpk3pxq","algorithm":"SHA1","digits":6,"period":30}`,
		"no secret":      `{"algorithm":"SHA1","digits":6,"period":30}`,
		"long account":   `{"secret":"` + canary + `","algorithm":"SHA1","digits":6,"period":30,"account":"` + strings.Repeat("a", 300) + `"}`,
		"not an object":  `["` + canary + `"]`,
		"secret number":  `{"secret":5,"algorithm":"SHA1","digits":6,"period":30}`,
		"huge":           strings.Repeat(" ", maxInput+1),
		"trailing space": `{"secret":"` + canary + ` ","algorithm":"SHA1","digits":6,"period":30}`,
	} {
		_, err := DecodeKey([]byte(in))
		if !errors.Is(err, ErrInvalidKey) {
			t.Errorf("%s: %v, want ErrInvalidKey", name, err)
		} else if strings.Contains(err.Error(), canary) || strings.Contains(strings.ToUpper(err.Error()), canary) {
			t.Errorf("%s: the error quotes the secret: %v", name, err)
		}
	}
}

func FuzzDecodeKey(f *testing.F) {
	f.Add([]byte(`{"secret":"JBSWY3DPEHPK3PXP","algorithm":"SHA1","digits":6,"period":30}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		k, err := DecodeKey(b)
		if err != nil {
			if !errors.Is(err, ErrInvalidKey) {
				t.Fatalf("error %v does not wrap ErrInvalidKey", err)
			}
			return
		}
		again, err := EncodeKey(k)
		if err != nil {
			t.Fatalf("a decoded key does not encode: %v", err)
		}
		if back, err := DecodeKey(again); err != nil || back != k {
			t.Fatalf("not stable: %v, %v", back, err)
		}
	})
}
