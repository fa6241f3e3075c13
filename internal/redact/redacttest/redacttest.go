// Package redacttest generates what benchmarks of redaction need: a
// team's sensitive values (a third passwords, the rest addresses, phone
// numbers, IBANs, account and routing numbers and store names) and chat
// text in which some of them appear, spelled the way people write them,
// among order numbers, prices, dates, tracking numbers and SKUs.
package redacttest

import (
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/sellervault/sellervault/internal/records"
)

// Secret is a sensitive value and its redaction kind.
type Secret struct {
	Kind, Value string
}

// germanIBAN returns a valid German IBAN for an 18-digit BBAN.
func GermanIBAN(bban string) string {
	r := 0
	for _, c := range bban + "131400" { // D=13, E=14, check digits 00
		r = (r*10 + int(c-'0')) % 97
	}
	return fmt.Sprintf("DE%02d%s", 98-r, bban)
}

// Secrets makes n values of a team (a big one, or many teams): a
// third passwords, the rest e-mail addresses, phones, IBANs, account and
// routing numbers and store names.
func Secrets(r *rand.Rand, n int) []Secret {
	var out []Secret
	digits := func(k int) string {
		b := make([]byte, k)
		for i := range b {
			b[i] = byte('0' + r.IntN(10))
		}
		return string(b)
	}
	for i := 0; len(out) < n; i++ {
		switch i % 9 {
		case 0, 1, 2:
			p := make([]byte, 9+r.IntN(16))
			for j := range p {
				p[j] = byte(r.Uint32())
			}
			out = append(out, Secret{records.RedactPassword, base64.RawURLEncoding.EncodeToString(p)})
		case 3:
			out = append(out, Secret{records.RedactEmail, fmt.Sprintf("ops-%d@store%d.example", i, r.IntN(1000))})
		case 4:
			out = append(out, Secret{records.RedactPhone, "+1415" + digits(7)})
		case 5:
			out = append(out, Secret{records.RedactPhone, "+4477009" + digits(5)})
		case 6:
			out = append(out, Secret{records.RedactIBAN, GermanIBAN(digits(18))})
		case 7:
			out = append(out, Secret{records.RedactAccount, digits(8 + r.IntN(6))})
		case 8:
			if i%2 == 0 {
				out = append(out, Secret{records.RedactRouting, digits(9)})
			} else {
				out = append(out, Secret{records.RedactStore, fmt.Sprintf("shop-%d", i)})
			}
		}
	}
	return out
}

// Spell writes a secret the way people do in chat.
func Spell(r *rand.Rand, s Secret) string {
	v := s.Value
	switch s.Kind {
	case records.RedactEmail:
		if r.IntN(2) == 0 {
			return strings.ToUpper(v)
		}
		return "<" + v + ">"
	case records.RedactPhone:
		d := v[len(v)-10:]
		switch r.IntN(3) {
		case 0:
			return "(" + d[:3] + ") " + d[3:6] + "-" + d[6:]
		case 1:
			return v[:len(v)-10] + " " + d[:3] + " " + d[3:6] + " " + d[6:]
		}
		return d[:3] + "." + d[3:6] + "." + d[6:]
	case records.RedactIBAN:
		var b strings.Builder
		for i := 0; i < len(v); i += 4 {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(v[i:min(i+4, len(v))])
		}
		return b.String()
	case records.RedactPassword:
		return `"` + v + `"`
	}
	return v
}

var chatWords = strings.Fields(`the a to and of for is in it on that this we you ok
	thanks please order orders shipped shipping label return refund customer buyer
	listing price stock inventory warehouse pallet carrier tracking update today
	tomorrow monday asap done checked fixed sent received pending approved case
	ticket seller central account payout balance fees report sales ads campaign
	budget sku asin fba fbm restock box boxes units pcs weight dims invoice`)

var chatNames = []string{"maria", "olga", "tom", "farid", "li", "sam"}

// Chat writes about size bytes of chat in which the given secrets
// appear (each once), among order numbers, prices, dates, tracking
// numbers and SKUs that change from line to line.
func Chat(r *rand.Rand, size int, secrets []Secret) string {
	var b strings.Builder
	next := 0
	for b.Len() < size {
		fmt.Fprintf(&b, "[%02d:%02d] %s: ", r.IntN(24), r.IntN(60), chatNames[r.IntN(len(chatNames))])
		n := 4 + r.IntN(16)
		for i := 0; i < n; i++ {
			if i > 0 {
				b.WriteByte(' ')
			}
			switch k := r.IntN(40); {
			case k == 0:
				fmt.Fprintf(&b, "%03d-%07d-%07d", 100+r.IntN(900), r.IntN(10000000), r.IntN(10000000))
			case k == 1:
				fmt.Fprintf(&b, "$%d.%02d", r.IntN(500), r.IntN(100))
			case k == 2:
				fmt.Fprintf(&b, "2024-%02d-%02d", 1+r.IntN(12), 1+r.IntN(28))
			case k == 3:
				fmt.Fprintf(&b, "1Z%06X%010d", r.IntN(1<<24), r.IntN(1e9))
			case k == 4:
				fmt.Fprintf(&b, "ACME-%s-%d", strings.ToUpper(chatWords[r.IntN(len(chatWords))]), r.IntN(100))
			case k == 5:
				fmt.Fprintf(&b, "B0%08X", r.Uint32())
			case k == 6 && next < len(secrets) && r.IntN(20) == 0:
				b.WriteString(Spell(r, secrets[next]))
				next++
			default:
				w := chatWords[r.IntN(len(chatWords))]
				if r.IntN(10) == 0 {
					w = strings.ToUpper(w[:1]) + w[1:]
				}
				b.WriteString(w)
			}
		}
		if r.IntN(4) == 0 {
			b.WriteString(".")
		}
		b.WriteByte('\n')
	}
	return b.String()
}
