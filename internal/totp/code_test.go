package totp

import (
	"encoding/base32"
	"strings"
	"testing"
	"time"
)

// RFC 6238 Appendix B: the seeds are ASCII digits, 20 bytes for SHA1, 32
// for SHA256 and 64 for SHA512; 8 digits, 30 seconds.
func TestCodeRFC6238(t *testing.T) {
	enc := base32.StdEncoding.WithPadding(base32.NoPadding)
	seeds := map[string]string{
		"SHA1":   "12345678901234567890",
		"SHA256": "12345678901234567890123456789012",
		"SHA512": "1234567890123456789012345678901234567890123456789012345678901234",
	}
	tests := []struct {
		unix int64
		want map[string]string
	}{
		{59, map[string]string{"SHA1": "94287082", "SHA256": "46119246", "SHA512": "90693936"}},
		{1111111109, map[string]string{"SHA1": "07081804", "SHA256": "68084774", "SHA512": "25091201"}},
		{1111111111, map[string]string{"SHA1": "14050471", "SHA256": "67062674", "SHA512": "99943326"}},
		{1234567890, map[string]string{"SHA1": "89005924", "SHA256": "91819424", "SHA512": "93441116"}},
		{2000000000, map[string]string{"SHA1": "69279037", "SHA256": "90698825", "SHA512": "38618901"}},
		{20000000000, map[string]string{"SHA1": "65353130", "SHA256": "77737706", "SHA512": "47863826"}},
	}
	for _, tt := range tests {
		for alg, want := range tt.want {
			k := Key{Secret: enc.EncodeToString([]byte(seeds[alg])), Algorithm: alg, Digits: 8, Period: 30}
			got, err := Code(k, time.Unix(tt.unix, 0).UTC())
			if err != nil {
				t.Fatalf("%s T=%d: %v", alg, tt.unix, err)
			}
			if got != want {
				t.Errorf("%s T=%d: got %s, want %s", alg, tt.unix, got, want)
			}
		}
	}
}

// A key that went through Parse gives the same codes as the raw seed.
func TestCodeAfterParse(t *testing.T) {
	// "12345678901234567890" in base32, as a marketplace would show it.
	k, err := Parse("gezd gnbv gy3t qojq gezd gnbv gy3t qojq")
	if err != nil {
		t.Fatal(err)
	}
	k.Digits = 8
	got, err := Code(k, time.Unix(59, 0))
	if err != nil || got != "94287082" {
		t.Fatalf("got %q, %v; want 94287082", got, err)
	}
	k.Digits = 6
	got, err = Code(k, time.Unix(59, 0))
	if err != nil || got != "287082" {
		t.Fatalf("6 digits: got %q, %v; want 287082", got, err)
	}
}

func TestCodeRejectsInvalidKey(t *testing.T) {
	good := Key{Secret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", Algorithm: "SHA1", Digits: 6, Period: 30}
	tests := map[string]Key{
		"zero key":       {},
		"md5":            {Secret: good.Secret, Algorithm: "MD5", Digits: 6, Period: 30},
		"lower-case alg": {Secret: good.Secret, Algorithm: "sha1", Digits: 6, Period: 30},
		"7 digits":       {Secret: good.Secret, Algorithm: "SHA1", Digits: 7, Period: 30},
		"period 0":       {Secret: good.Secret, Algorithm: "SHA1", Digits: 6, Period: 0},
		"short secret":   {Secret: "JBSWY3DP", Algorithm: "SHA1", Digits: 6, Period: 30},
		"lower secret":   {Secret: strings.ToLower(good.Secret), Algorithm: "SHA1", Digits: 6, Period: 30},
		"padded secret":  {Secret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGE======", Algorithm: "SHA1", Digits: 6, Period: 30},
	}
	for name, k := range tests {
		_, err := Code(k, time.Unix(59, 0))
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		if k.Secret != "" && strings.Contains(strings.ToUpper(err.Error()), strings.ToUpper(strings.TrimRight(k.Secret, "="))) {
			t.Errorf("%s: error contains the secret: %v", name, err)
		}
	}
	if _, err := Code(good, time.Unix(-1, 0)); err == nil {
		t.Error("time before 1970: no error")
	}
	if _, err := Code(good, time.Unix(0, 0)); err != nil {
		t.Errorf("unix 0: %v", err)
	}
}

func TestRemaining(t *testing.T) {
	tests := []struct {
		period int
		t      time.Time
		want   int
	}{
		{30, time.Unix(0, 0), 30},
		{30, time.Unix(1, 0), 29},
		{30, time.Unix(29, 0), 1},
		{30, time.Unix(29, 999999999), 1},
		{30, time.Unix(30, 0), 30},
		{30, time.Unix(59, 0), 1},
		{60, time.Unix(1111111109, 0), 60 - 1111111109%60},
		{15, time.Unix(44, 500000000), 1},
		{300, time.Unix(1, 0), 299},
		{0, time.Unix(10, 0), 20},  // default period
		{-5, time.Unix(10, 0), 20}, // default period
		{30, time.Unix(-1, 0), 1},  // before 1970: still within 1..period
		{30, time.Unix(-30, 0), 30},
	}
	for _, tt := range tests {
		if got := Remaining(tt.period, tt.t); got != tt.want {
			t.Errorf("Remaining(%d, %d.%09d) = %d, want %d", tt.period, tt.t.Unix(), tt.t.Nanosecond(), got, tt.want)
		}
	}
	for s := int64(0); s < 200; s++ {
		if r := Remaining(30, time.Unix(s, 0)); r < 1 || r > 30 {
			t.Fatalf("Remaining(30, %d) = %d, out of 1..30", s, r)
		}
	}
}

func TestKeyStringHidesSecret(t *testing.T) {
	k := Key{Secret: "CANARYSEEDAAAAAAAAAAAAAAAAAAAAAA", Algorithm: "SHA1", Digits: 6, Period: 30, Issuer: "Amazon", Account: "ops@example.com"}
	for _, s := range []string{k.String(), k.GoString(), fmtAll(k)} {
		if strings.Contains(s, "CANARYSEED") {
			t.Fatalf("formatted key shows the secret: %s", s)
		}
		if !strings.Contains(s, "160 bits") {
			t.Errorf("formatted key does not say the seed's length: %s", s)
		}
	}
}
