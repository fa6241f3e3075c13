package rotation

import (
	"strings"
	"testing"
)

func TestGenerate(t *testing.T) {
	seen := map[string]bool{}
	for name, p := range Presets {
		for i := 0; i < 50; i++ {
			pw, err := Generate(p)
			if err != nil {
				t.Fatal(err)
			}
			if len(pw) != p.Length || seen[pw] {
				t.Fatalf("%s: %d chars, repeated=%v", name, len(pw), seen[pw])
			}
			seen[pw] = true
			if !p.Symbols && strings.ContainsAny(pw, symbols) {
				t.Fatalf("%s: symbols in %d-char password", name, len(pw))
			}
			classes := []string{lower, upper, digits}
			if p.Symbols {
				classes = append(classes, symbols)
			}
			if !hasEach(pw, classes) {
				t.Fatalf("%s: a class is missing", name)
			}
		}
	}
	if _, err := Generate(Preset{Length: 8}); err == nil {
		t.Fatal("an 8-character password was generated")
	}
}
