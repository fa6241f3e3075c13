package rotation

import (
	"crypto/rand"
	"fmt"
	"math/big"
	"strings"
)

// Charset classes for generated passwords.
const (
	lower   = "abcdefghijkmnopqrstuvwxyz" // no l: it reads like 1
	upper   = "ABCDEFGHJKLMNPQRSTUVWXYZ"  // no I, O
	digits  = "23456789"                  // no 0, 1
	symbols = "!#$%&*+-=?@^_~"
)

// Preset is a site's password rules.
type Preset struct {
	Length  int
	Symbols bool // whether the site takes symbols
}

// Presets are rules of the big marketplaces' change-password forms, kept
// conservative (what every one of them accepts).
var Presets = map[string]Preset{
	"default": {Length: 24, Symbols: true},
	"amazon":  {Length: 32, Symbols: true},
	"ebay":    {Length: 20, Symbols: true}, // eBay caps passwords at 64, some forms at 20
	"walmart": {Length: 20, Symbols: true},
	"shopify": {Length: 32, Symbols: true},
	"etsy":    {Length: 24, Symbols: true},
	"alnum":   {Length: 24, Symbols: false}, // for sites that refuse symbols
}

// Generate makes a password of length from crypto/rand with at least one
// character of each class in use; charset "alnum" leaves symbols out.
func Generate(p Preset) (string, error) {
	if p.Length < 12 || p.Length > 128 {
		return "", fmt.Errorf("password length %d: use 12 to 128", p.Length)
	}
	classes := []string{lower, upper, digits}
	if p.Symbols {
		classes = append(classes, symbols)
	}
	all := strings.Join(classes, "")
	out := make([]byte, p.Length)
	for {
		for i := range out {
			n, err := rand.Int(rand.Reader, big.NewInt(int64(len(all))))
			if err != nil {
				return "", fmt.Errorf("random password: %w", err)
			}
			out[i] = all[n.Int64()]
		}
		if hasEach(string(out), classes) {
			return string(out), nil
		}
	}
}

func hasEach(s string, classes []string) bool {
	for _, c := range classes {
		if !strings.ContainsAny(s, c) {
			return false
		}
	}
	return true
}
