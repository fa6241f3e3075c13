package phish

import (
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode"
)

// commonScripts are tried first by scriptOf, most frequent in names first.
var commonScripts = []string{
	"Latin", "Common", "Inherited", "Cyrillic", "Greek", "Han", "Hiragana",
	"Katakana", "Hangul", "Arabic", "Hebrew", "Armenian", "Georgian",
	"Cherokee", "Thai", "Devanagari", "Bopomofo",
}

// allScripts is every script name Go knows, sorted; listed on first use.
var allScripts = sync.OnceValue(func() []string {
	names := make([]string, 0, len(unicode.Scripts))
	for name := range unicode.Scripts {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
})

// scriptOf returns the Unicode script of r ("Latin", "Cyrillic", "Common"
// for digits and punctuation, "Inherited" for combining marks), or "".
func scriptOf(r rune) string {
	for _, name := range commonScripts {
		if unicode.Is(unicode.Scripts[name], r) {
			return name
		}
	}
	for _, name := range allScripts() {
		if unicode.Is(unicode.Scripts[name], r) {
			return name
		}
	}
	return ""
}

// allowedMixes are the script combinations of UTS #39's "highly
// restrictive" level: Japanese, Chinese and Korean writing mixed with
// Latin.
var allowedMixes = [][]string{
	{"Latin", "Han", "Hiragana", "Katakana"},
	{"Latin", "Han", "Bopomofo"},
	{"Latin", "Han", "Hangul"},
}

// mixedScripts returns the scripts of a label, in order of appearance,
// when they mix in a way UTS #39 calls not highly restrictive (Latin
// with Cyrillic or Greek …); nil for a label in one script or an
// allowed mix.
func mixedScripts(label string) []string {
	var scripts []string
	seen := map[string]bool{}
	for _, r := range label {
		s := scriptOf(r)
		if s == "Common" || s == "Inherited" || s == "" || seen[s] {
			continue
		}
		seen[s] = true
		scripts = append(scripts, s)
	}
	if len(scripts) < 2 {
		return nil
	}
	for _, mix := range allowedMixes {
		ok := true
		for _, s := range scripts {
			if !slices.Contains(mix, s) {
				ok = false
				break
			}
		}
		if ok {
			return nil
		}
	}
	return scripts
}

// joinAnd joins words as "a, b and c".
func joinAnd(words []string) string {
	if len(words) <= 1 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}
