package redact

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/sellervault/sellervault/internal/payout"
)

// seedCorpus is where the fuzz targets start from.
var seedCorpus = []string{
	chat,
	english,
	jargon,
	rsaKey,
	"+1 (415) 555-0100 0044 7700 900123 (0)20 07700 900123 1-415-555-0100",
	"DE89 3704 0044 0532 0130 00 de89370400440532013000 GB29\u00a0NWBK\u00a06016\u00a01331\u00a09268\u00a019",
	"4111 1111 1111 1111 3782-822463-10005 exp 12/27",
	"otpauth://totp/x?secret=JBSWY3DPEHPK3PXP jbsw y3dp ehpk 3pxp seed jbsw y3dp ehpk 3pxp end",
	"hvs.CAESIJlU9JMYEhOPYv4igdhm9PnZDrabYTobQ4Ymnlq1qY s.Ak2uY9mVXNgn5pNu2Ld2yK3p.2XWIE",
	"“Tr0ub4dor&3!”, (pw:x) <OPS@ACME.EXAMPLE> mailto:a@b.co \xff\xfe\xc2\xa0",
	"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END",
	"+447700900123 +44 7700 900123 / +1-415-555-0100, 030 1234567 (030) 1234567 01 23 45 67 89 415 555 0100",
	"order 114-3941689-8772232 on 07.12.2026 12/07/2026 2026-12-07 10:30 $1,234.56 10.0.19041.1234 v1.2.3 192.168.100.200 00447700900123",
	"mail <OPS-US@ACME.EXAMPLE>, mailto:ops@eu.acme.example. x@notacme.example y@acme.example.com z@.acme.example",
}

// fuzzDomains are the team domains the fuzz targets look for.
var fuzzDomains = []string{"acme.example"}

func FuzzCandidates(f *testing.F) {
	for _, s := range seedCorpus {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		all := uint8(clsExact | clsLower | clsNumber | clsIBAN)
		phases := []func(x *extractor){
			func(x *extractor) { words(b, new([]hit), x) },
			func(x *extractor) { x.tokens(b) },
		}
		for phase, run := range phases {
			x := &extractor{classes: all, lens: &allLengths}
			run(x)
			prev := 0
			for _, c := range x.cands {
				s, e, form := int(c.start), int(c.end), x.form(c)
				if s < 0 || e > len(b) || s >= e {
					t.Fatalf("phase %d: span [%d, %d) out of [0, %d)", phase, s, e, len(b))
				}
				if s < prev {
					t.Fatalf("phase %d: candidate at %d after one at %d", phase, s, prev)
				}
				prev = s
				if len(form) == 0 || len(form) > maxFormLen {
					t.Fatalf("phase %d: form of %d bytes", phase, len(form))
				}
				span := b[s:e]
				switch {
				case phase == 0 && isLetter(form[0]):
					if payout.ValidateIBAN(string(form)) != nil || payout.NormalizeIBAN(string(span)) != string(form) {
						t.Fatalf("IBAN form %q of %q", form, span)
					}
				case phase == 0:
					d := bytes.TrimPrefix(form, []byte("+"))
					if len(d) < minE164Digits-1 || strings.Trim(string(d), "0123456789") != "" {
						t.Fatalf("number form %q of %q", form, span)
					}
				default:
					if !bytes.Equal(form, span) && string(form) != foldLower(string(span)) {
						t.Fatalf("token form %q of %q", form, span)
					}
				}
			}
		}
		if got, want := string(appendLower(nil, b)), foldLower(string(b)); got != want {
			t.Fatalf("appendLower %q, foldLower %q", got, want)
		}
	})
}

func FuzzPatterns(f *testing.F) {
	for _, s := range seedCorpus {
		f.Add([]byte(s), false)
	}
	f.Fuzz(func(t *testing.T, b []byte, open bool) {
		var hits []hit
		_, _ = privateKeys(b, open, true, &hits)
		otpauths(b, &hits)
		vaultTokens(b, &hits)
		teamEmails(b, fuzzDomains, &hits)
		words(b, &hits, nil)
		for _, h := range hits {
			if h.start < 0 || h.end > len(b) || h.start >= h.end {
				t.Fatalf("%s: span [%d, %d) out of [0, %d)", h.kind, h.start, h.end, len(b))
			}
			span := b[h.start:h.end]
			ok := true
			switch h.kind {
			case KindCard:
				d := []byte(digitsOnly(string(span)))
				ok = len(d) >= minCardDigits && len(d) <= maxCardDigits && isCard(d)
			case KindIBAN:
				ok = payout.ValidateIBAN(payout.NormalizeIBAN(string(span))) == nil
			case KindOTPAuth:
				ok = len(span) >= 10 && strings.EqualFold(string(span[:7]), "otpauth")
			case KindVaultToken:
				ok = bytes.HasPrefix(span, []byte("hv")) || bytes.HasPrefix(span, []byte("s.")) || bytes.HasPrefix(span, []byte("b."))
			case KindTOTPSeed:
				v := bytes.TrimRight(bytes.ReplaceAll(span, []byte(" "), nil), "=")
				_, b32 := base32Case(v)
				ok = b32 && len(v) >= minSeedLen && seedLike(v)
			case KindPrivateKey:
				ok = h.cont || bytes.HasPrefix(span, []byte(pemBegin))
			case KindPhone:
				ok = phoneLike(span)
			case KindEmail:
				at := bytes.LastIndexByte(span, '@')
				ok = at > 0 && teamDomain(span[at+1:], fuzzDomains)
			default:
				ok = false
			}
			if !ok {
				t.Fatalf("%s hit %q", h.kind, span)
			}
		}
		res := resolve(hits)
		for i, h := range res {
			if h.start >= h.end || i > 0 && res[i-1].end > h.start {
				t.Fatalf("resolved hit %d [%d, %d) out of order or overlapping", i, h.start, h.end)
			}
		}
	})
}

func FuzzRedactRoundTrip(f *testing.F) {
	for _, s := range seedCorpus {
		f.Add([]byte(s), uint16(0))
		f.Add([]byte(s), uint16(20))
	}
	f.Fuzz(func(t *testing.T, b []byte, chunk uint16) {
		o := Options{PatternsOnly: true, ChunkSize: int(chunk), TeamDomains: fuzzDomains}
		var out bytes.Buffer
		st, err := Redact(context.Background(), bytes.NewReader(b), &out, o)
		if err != nil {
			t.Fatal(err)
		}
		fs, err := Scan(context.Background(), bytes.NewReader(b), o)
		if err != nil {
			t.Fatal(err)
		}
		if len(fs) == 0 && !bytes.Equal(out.Bytes(), b) {
			t.Fatalf("no findings, but the output differs:\n in %q\nout %q", b, out.Bytes())
		}
		if got := applyFindings(string(b), fs); got != out.String() {
			t.Fatalf("Scan and Redact disagree:\nscan   %q\nredact %q", got, out.String())
		}
		if st.Findings != len(fs) || st.Bytes != int64(len(b)) {
			t.Fatalf("stats %+v for %d findings of %d bytes", st, len(fs), len(b))
		}
		for i, f := range fs {
			if f.Start >= f.End || f.End > len(b) || i > 0 && fs[i-1].End > f.Start || f.Line < 1 || f.Column < 1 {
				t.Fatalf("finding %d %+v", i, f)
			}
		}
		// With the index: Scan and Redact still agree, one Hasher
		// call per chunk at most.
		o.PatternsOnly, o.Hasher, o.Index = false, fuzzHasher, fuzzIndex
		out.Reset()
		st, err = Redact(context.Background(), bytes.NewReader(b), &out, o)
		if err != nil {
			t.Fatal(err)
		}
		if fs, err = Scan(context.Background(), bytes.NewReader(b), o); err != nil {
			t.Fatal(err)
		}
		if got := applyFindings(string(b), fs); got != out.String() {
			t.Fatalf("indexed: Scan and Redact disagree:\nscan   %q\nredact %q", got, out.String())
		}
		if st.HasherCalls > st.Chunks {
			t.Fatalf("indexed: %d hasher calls for %d chunks", st.HasherCalls, st.Chunks)
		}
		// With two audiences: the same findings as with one index of
		// all their values in chunks twice as large, one call per
		// audience and chunk at most.
		cs := o.ChunkSize
		if cs <= 0 {
			cs = DefaultChunkSize
		}
		o.ChunkSize = 2 * max(cs, minChunkSize)
		out.Reset()
		if _, err := Redact(context.Background(), bytes.NewReader(b), &out, o); err != nil {
			t.Fatal(err)
		}
		o.Hasher, o.Index, o.ChunkSize = nil, nil, cs
		o.Audiences = fuzzAudiences
		var out2 bytes.Buffer
		st2, err := Redact(context.Background(), bytes.NewReader(b), &out2, o)
		if err != nil {
			t.Fatal(err)
		}
		if out2.String() != out.String() {
			t.Fatalf("audiences and one index disagree:\naudiences %q\nindex     %q", out2.String(), out.String())
		}
		if st2.HasherCalls > 2*st2.Chunks {
			t.Fatalf("audiences: %d hasher calls for %d chunks", st2.HasherCalls, st2.Chunks)
		}
	})
}

// fuzzAudiences split the team's values between two audiences, each
// with its own key.
var fuzzAudiences = func() []Audience {
	var stores, others []secret
	for _, s := range team {
		if s.kind == KindPassword || s.kind == KindStore {
			stores = append(stores, s)
		} else {
			others = append(others, s)
		}
	}
	hs, ho := newFakeHasherKey("store"), newFakeHasherKey("managers")
	return []Audience{{"store", buildIndex(hs, stores), hs}, {"managers", buildIndex(ho, others), ho}}
}()

// phoneLike reports whether a phone hit's span is written like a phone:
// from a digit, "+" or "(" to a digit, with 7 to 16 digits (after a "+"
// or "00", and a "(0)" among them), and, with a "+" or "00", an assigned
// calling code after it.
func phoneLike(span []byte) bool {
	if len(span) == 0 || !isDigit(span[len(span)-1]) || !(isDigit(span[0]) || span[0] == '+' || span[0] == '(') {
		return false
	}
	d := digitsOnly(string(span))
	intl := span[0] == '+'
	if strings.HasPrefix(d, "00") && span[0] != '(' && isDigit(span[1]) {
		d, intl = d[2:], true
	}
	if len(d) < minE164Digits || len(d) > maxE164Digits+1 {
		return false
	}
	return !intl || callingCode(d) != ""
}

var fuzzHasher = newFakeHasher()
var fuzzIndex = buildIndex(fuzzHasher, team)
