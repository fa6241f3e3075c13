package phish

import (
	_ "embed"
	"strings"
	"sync"
)

// commonWordsText is commonwords.txt: common English words of 3 to 5
// letters, separated by spaces and newlines; "#" lines are comments.
//
//go:embed commonwords.txt
var commonWordsText string

// commonWords is the set of commonWordsText, read on first use.
var commonWords = sync.OnceValue(func() map[string]bool {
	m := make(map[string]bool, 8000)
	for _, line := range strings.Split(commonWordsText, "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		for _, w := range strings.Fields(line) {
			m[w] = true
		}
	}
	return m
})

// isCommonWord reports whether s is a common English word of 3 to 5
// letters: such a name has a meaning of its own and is no evidence of a
// typo of a short brand.
func isCommonWord(s string) bool {
	return len(s) >= 3 && len(s) <= 5 && commonWords()[s]
}

// serviceWords are the words that squatters run together with a brand's
// name (ebaylogin, wwwebay, sellerebay) and that a brand's own sites put
// before or after it. A brand of 3 or 4 letters that is itself a word
// (wise) counts inside a longer label only when the rest of the label is
// made of these, so that otherwise.com or moneywise.com do not point at
// wise. Generic words (money, home, market) are left out for that reason.
// The set is built on first use.
var serviceWords = sync.OnceValue(func() map[string]bool {
	return toSet(strings.Fields(serviceWordsText))
})

const serviceWordsText = `
	www web mail email login logon signin signon secure security verify
	verified verification validate confirm update updates account
	accounts acct my id auth sso access unlock recover recovery reset
	password support help helpdesk service services customer customers
	care client contact team official notice notification alert alerts
	center centre central seller sellers vendor vendors partner merchant
	merchants shop store online pay payment payments payout payouts
	billing invoice refund refunds claim dispute disputes resolution case
	order orders delivery shipping tracking app portal mobile com net org
	us usa uk eu`

func toSet(words []string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// madeOfWords reports whether s is one or more of the words of set (or
// of extra) run together; "" is made of none.
func madeOfWords(s string, set, extra map[string]bool) bool {
	if s == "" || len(s) > maxLabelLen {
		return false
	}
	// ok[i]: s[:i] is made of words.
	var ok [maxLabelLen + 1]bool
	ok[0] = true
	for i := 1; i <= len(s); i++ {
		for j := max(0, i-16); j < i && !ok[i]; j++ {
			ok[i] = ok[j] && (set[s[j:i]] || extra[s[j:i]])
		}
	}
	return ok[len(s)]
}
