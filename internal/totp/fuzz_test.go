package totp

import (
	"bytes"
	"image"
	"image/jpeg"
	"regexp"
	"strings"
	"testing"
	"time"
)

var secretRE = regexp.MustCompile(`^[A-Z2-7]+$`)

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"",
		"JBSWY3DPEHPK3PXP",
		"jbsw y3dp ehpk 3pxp",
		"NBSWY3DPEB3W64TMMQ======",
		"JBSWY3DP",
		"JBSWY3DPEHPK3PX1",
		"otpauth://totp/ACME:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME",
		"otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&algorithm=SHA256&digits=8&period=60",
		"otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&algorithm=MD5",
		"otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=7",
		"otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&period=1000",
		"otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP&counter=1",
		"otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8",
		"https://example.com/?secret=JBSWY3DPEHPK3PXP",
		"otpauth://totp/%zz?secret=JBSWY3DPEHPK3PXP",
		"otpauth://totp/x?secret=CANARYSEEDAAAAAAAAAAAAAAAAAAAAAA&secret=JBSWY3DPEHPK3PXP",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		k, err := Parse(in)
		if err != nil {
			if k != (Key{}) {
				t.Fatalf("error with a non-zero key")
			}
			msg := err.Error()
			if len(in) >= 16 && strings.Contains(msg, in) && !ownWording(in) {
				t.Fatalf("error quotes the input: %q", msg)
			}
			return
		}
		if !secretRE.MatchString(k.Secret) {
			t.Fatalf("secret %q is not upper-case unpadded base32", k.Secret)
		}
		if bits := len(k.Secret) * 5; bits < MinSecretBits || len(k.Secret)*5/8*8 > MaxSecretBits {
			t.Fatalf("secret of %d characters", len(k.Secret))
		}
		switch len(k.Secret) % 8 {
		case 1, 3, 6:
			t.Fatalf("secret of impossible length %d", len(k.Secret))
		}
		if k.Digits != 6 && k.Digits != 8 {
			t.Fatalf("digits %d", k.Digits)
		}
		if k.Period < 15 || k.Period > 300 {
			t.Fatalf("period %d", k.Period)
		}
		switch k.Algorithm {
		case "SHA1", "SHA256", "SHA512":
		default:
			t.Fatalf("algorithm %q", k.Algorithm)
		}
		// An accepted key computes codes, and its secret alone parses back
		// to the same secret.
		if _, err := Code(k, time.Unix(1234567890, 0)); err != nil {
			t.Fatalf("Code of an accepted key: %v", err)
		}
		k2, err := Parse(k.Secret)
		if err != nil || k2.Secret != k.Secret {
			t.Fatalf("the secret does not parse back to itself: %v", err)
		}
	})
}

// ownWording reports whether s is a piece of Parse's fixed wording: an
// input made of the words of an error message is in the message, and
// leaks nothing.
func ownWording(s string) bool {
	for _, m := range parseMessages {
		if strings.Contains(m, s) {
			return true
		}
	}
	return false
}

func FuzzDecodeQR(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("\x89PNG\r\n\x1a\n"))
	f.Add([]byte("\xff\xd8\xff\xe0"))
	f.Add(mustEncodeQR(f, "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP", 1))
	f.Add(mustEncodeQR(f, "hello", 60))
	var buf bytes.Buffer
	img, _, err := image.Decode(bytes.NewReader(mustEncodeQR(f, "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP", 1)))
	if err != nil {
		f.Fatal(err)
	}
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, b []byte) {
		text, err := DecodeQR(bytes.NewReader(b))
		if err != nil && text != "" {
			t.Fatalf("error %v with text", err)
		}
	})
}
