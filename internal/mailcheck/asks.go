package mailcheck

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// askTable is what phishers ask a seller for, in English and Chinese.
// A request is a verb followed, in the same sentence, by a thing
// ("please confirm your Seller Central password", "请提供您的验证码"); a
// phrase in alone counts by itself (the names of remote-access tools).
// Phrases are matched as whole words, in any case; a thing also matches
// with an "s" added. Chinese is matched character by character. Lists
// are comma-separated.
var askTable = []struct {
	kind   string // Request.Kind
	reason string // completes "the message …"
	verbs  string
	things string
	alone  string
}{{
	kind:   "password",
	reason: "asks for a password",
	verbs:  "send, send us, send me, send it, email us, e-mail us, message us, give us, give me, share, provide, tell us, tell me, reply, reply with, confirm, verify, re-enter, enter, type in, submit, 提供, 发给, 发送给, 告诉, 回复, 确认, 验证, 输入, 填写, 提交",
	things: "password, passcode, passphrase, login details, login credentials, sign-in details, account credentials, 密码, 登录信息, 登录凭证",
}, {
	kind:   "code",
	reason: "asks for a 2-step verification or one-time code",
	verbs:  "send, send us, send me, send it, send back, email us, e-mail us, message us, text us, give us, give me, share, provide, tell us, tell me, reply, reply with, forward, read out, read us, 提供, 发给, 发送给, 告诉, 回复, 转发, 报给",
	things: "verification code, security code, one-time code, one-time password, one-time passcode, otp, 2fa code, 2-step code, two-step code, 2sv code, mfa code, sms code, text code, authentication code, authenticator code, login code, sign-in code, access code, code we sent, code you received, code sent to your, 验证码, 校验码, 动态码, 安全码, 短信码, 一次性密码, 动态密码",
}, {
	kind:   "bank",
	reason: "asks for bank or payout details",
	verbs:  "send, send us, send me, email us, e-mail us, message us, give us, give me, share, provide, tell us, reply, reply with, confirm, verify, update, change, enter, re-enter, submit, 提供, 发给, 发送给, 告诉, 回复, 确认, 验证, 更新, 修改, 变更, 填写, 提交, 输入",
	things: "bank account, bank details, banking details, bank information, bank info, account number, routing number, sort code, iban, swift code, deposit method, deposit account, payout details, payout method, payout account, payment details, disbursement details, disbursement account, card number, card details, credit card, debit card, cvv, cvc, 银行账户, 银行账号, 银行卡, 银行信息, 收款账户, 收款账号, 收款信息, 收款方式, 提现账户, 付款信息, 信用卡, 卡号, 开户行",
}, {
	kind:   "remote",
	reason: "asks to install remote-access software",
	verbs:  "install, download, run, open, set up, launch, allow, grant, give us, 安装, 下载, 打开, 运行, 使用, 允许",
	things: "remote access, remote desktop, remote control, remote support, remote session, remote assistance, screen sharing, 远程控制, 远程协助, 远程桌面, 远程软件, 远程连接, 远程访问, 向日葵",
	alone:  "anydesk, teamviewer, rustdesk, ultraviewer, splashtop, screenconnect, connectwise, logmein, gotoassist, gotomypc, chrome remote desktop, zoho assist, quick assist, quicksupport, ammyy, supremo, aweray, awesun, sunlogin, todesk, 向日葵远程, 远程控制软件",
}}

// negations in a sentence, shortly before a request, turn it into a
// warning ("Amazon will never ask for your password", "请勿向任何人提供验证码").
const negations = "never, not, don't, dont, doesn't, won't, cannot, can't, nobody, no one, 不要, 不会, 绝不, 从不, 决不, 永远不, 不得, 请勿, 切勿, 勿, 禁止, 严禁, 不可, 不能, 千万别"

// conditions shortly before a negation make it part of a condition, not
// a warning: "if this was not you, …".
const conditions = "if, unless, 如果, 若, 假如, 要是"

// Gaps, in words (a Chinese character is a word): how far a thing may
// follow its verb, and a negation precede the verb.
const (
	gapWords      = 6
	gapCJK        = 10
	negateSpan    = 12
	negateSpanCJK = 16
)

// toYou, between a verb and a thing, means something is sent to the
// reader ("we will send you a code"), not asked of them; so does a
// Chinese verb after 向您, 给您 or 为您, or after 已 (already done).
var toYou = map[string]bool{"you": true}

// notThing, right after a thing, makes it part of another one: "a
// password reset link".
var notThing = map[string]bool{"reset": true, "recovery": true, "change": true, "changes": true, "expiry": true,
	"policy": true, "manager": true, "requirements": true, "strength": true, "hint": true, "重": true, "找": true}

var cjkToYou = []string{"向您", "给您", "为您", "向你", "给你", "为你", "已", "将为您"}

// Request is one request found in the text.
type Request struct {
	Kind string `json:"kind"` // password, code, bank or remote
	// Phrase is the text matched, as the message writes it (cut short).
	Phrase string `json:"phrase"`
	reason string
}

type phrase []string // tokens

// Roles of a phrase in askTable.
const (
	verb = iota
	thing
	alone
	negation
	condition
)

type entry struct {
	row, role int
	p         phrase
}

// askIndex holds every phrase of askTable and negations by its first
// token, so that a text is read with one map lookup a word. It and the
// tables below are built on first use, not at every start of the CLI.
var askIndex = sync.OnceValue(func() map[string][]entry {
	idx := map[string][]entry{}
	add := func(row, role int, list string) {
		for _, p := range strings.Split(list, ",") {
			toks := tokenize(strings.TrimSpace(p))
			if len(toks) == 0 {
				continue
			}
			ph := make(phrase, len(toks))
			for i, t := range toks {
				ph[i] = t.text
			}
			idx[ph[0]] = append(idx[ph[0]], entry{row, role, ph})
		}
	}
	for row, r := range askTable {
		add(row, verb, r.verbs)
		add(row, thing, r.things)
		add(row, alone, r.alone)
	}
	add(-1, negation, negations)
	add(-1, condition, conditions)
	return idx
})

// askStarts has, for each word that starts a verb, thing or alone of a
// row, bit row*3+role set: most words start none, and are passed over.
var askStarts = sync.OnceValue(func() map[string]uint32 {
	m := map[string]uint32{}
	for first, entries := range askIndex() {
		for _, e := range entries {
			if e.role <= alone {
				m[first] |= 1 << (e.row*3 + e.role)
			}
		}
		if strings.HasSuffix(first, "s") {
			continue
		}
		for _, e := range entries {
			if e.role == thing && len(e.p) == 1 {
				m[first+"s"] |= 1 << (e.row*3 + thing) // a plural
			}
		}
	}
	return m
})

// matchAt returns the length in tokens of the longest phrase of a role
// (and row, unless -1) at toks[i:] in one sentence, or 0. A thing's last
// word may end in an added "s".
func matchAt(toks []token, i, row, role int) int {
	if toks[i].text == "" {
		return 0
	}
	best := 0
	try := func(first string, plural bool) {
		for _, e := range askIndex()[first] {
			if e.role != role || (row >= 0 && e.row != row) || len(e.p) <= best || i+len(e.p) > len(toks) || toks[i+len(e.p)-1].sentence != toks[i].sentence {
				continue
			}
			if plural && len(e.p) > 1 {
				continue
			}
			ok := true
			for k := 1; k < len(e.p) && ok; k++ {
				t := toks[i+k].text
				ok = t == e.p[k] || (role == thing && k == len(e.p)-1 && t == e.p[k]+"s")
			}
			if ok {
				best = len(e.p)
			}
		}
	}
	try(toks[i].text, false)
	if best == 0 && role == thing && len(toks[i].text) > 3 && strings.HasSuffix(toks[i].text, "s") {
		try(strings.TrimSuffix(toks[i].text, "s"), true)
	}
	return best
}

// findRequests returns the requests in text, at most one of each kind.
// Sentences are read one at a time: no request spans two.
func findRequests(text string) []Request {
	found := make([]*Request, len(askTable))
	sentences(text, askWords(), func(toks []token) {
		for i := range toks {
			starts := askStarts()[toks[i].text]
			if starts == 0 {
				continue
			}
			for k := range askTable {
				if found[k] == nil && starts>>(k*3)&7 != 0 {
					found[k] = requestAt(text, toks, i, k)
				}
			}
		}
	})
	var out []Request
	for _, r := range found {
		if r != nil {
			out = append(out, *r)
		}
	}
	return out
}

// requestAt returns the request of askTable[k] that starts at toks[i], or nil.
func requestAt(text string, toks []token, i, k int) *Request {
	row := askTable[k]
	req := func(from, to int) *Request {
		return &Request{Kind: row.kind, Phrase: span(text, toks[from:to]), reason: row.reason}
	}
	if n := matchAt(toks, i, k, alone); n > 0 {
		if negated(toks, i) {
			return nil
		}
		return req(i, i+n)
	}
	gap := gapWords
	if toks[i].cjk {
		gap = gapCJK
	}
	// 把/将 + thing + verb: "请把验证码发给我们"
	if m := matchAt(toks, i, k, thing); m > 0 && toks[i].cjk {
		for f := i - 1; f >= 0 && f >= i-gapCJK && toks[f].sentence == toks[i].sentence; f-- {
			if toks[f].text != "把" && toks[f].text != "将" {
				continue
			}
			for j := i + m; j < len(toks) && j <= i+m+6 && toks[j].sentence == toks[i].sentence; j++ {
				if n := matchAt(toks, j, k, verb); n > 0 && !negated(toks, f) {
					return req(f, j+n)
				}
			}
		}
		return nil
	}
	n := matchAt(toks, i, k, verb)
	if n == 0 || matchAt(toks, i, -1, thing) > n || sentToReader(toks, i) || negated(toks, i) {
		return nil // not a verb: 验证 in 验证码
	}
	for j := i + n; j < len(toks) && j <= i+n+gap && toks[j].sentence == toks[i].sentence; j++ {
		if toYou[toks[j].text] {
			return nil
		}
		if m := matchAt(toks, j, k, thing); m > 0 {
			if after := j + m; after < len(toks) && toks[after].sentence == toks[i].sentence {
				if notThing[toks[after].text] {
					return nil // "send a password reset link"
				}
				if after+1 < len(toks) && toks[after].text == "to" && toYou[strings.TrimSuffix(toks[after+1].text, "r")] {
					return nil // "send a code to your phone"
				}
			}
			return req(i, j+m)
		}
	}
	return nil
}

// negated reports whether a negation precedes toks[i] closely in its
// sentence, other than one in a condition ("if you did not …, confirm
// your password").
func negated(toks []token, i int) bool {
	span := negateSpan
	if toks[i].cjk {
		span = negateSpanCJK
	}
	for j := i - 1; j >= 0 && j >= i-span && toks[j].sentence == toks[i].sentence; j-- {
		if matchAt(toks, j, -1, negation) == 0 {
			continue
		}
		conditional := false
		for c := j - 1; c >= 0 && c >= j-4 && toks[c].sentence == toks[i].sentence && !conditional; c-- {
			conditional = matchAt(toks, c, -1, condition) > 0
		}
		if !conditional {
			return true
		}
	}
	return false
}

// sentToReader reports whether the verb at toks[i] follows 向您, 给您 …
func sentToReader(toks []token, i int) bool {
	if !toks[i].cjk {
		return false
	}
	for _, p := range cjkToYou {
		r := []rune(p)
		if i < len(r) {
			continue
		}
		ok := true
		for k := range r {
			t := toks[i-len(r)+k]
			ok = ok && t.sentence == toks[i].sentence && t.text == string(r[k])
		}
		if ok {
			return true
		}
	}
	return false
}

// span is the text of toks as the message writes it, at most 60 bytes.
func span(text string, toks []token) string {
	s := text[toks[0].start:toks[len(toks)-1].end]
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 60 {
		cut := 57
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "..."
	}
	return s
}

// token is a word (letters, digits, and ' or - inside) with its ASCII
// letters in lower case, or one CJK character; start and end are its
// place in the text.
type token struct {
	text       string
	start, end int
	sentence   int
	cjk        bool
}

// tokenize splits a phrase into tokens.
func tokenize(text string) []token {
	var all []token
	sentences(text, nil, func(toks []token) { all = append(all, toks...) })
	return all
}

// askWords are the words of askTable and of the rules around it; other
// words of a text are read as "", which matches nothing.
var askWords = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{"to": true, "your": true, "把": true, "将": true}
	for _, entries := range askIndex() {
		for _, e := range entries {
			for _, w := range e.p {
				m[w], m[w+"s"] = true, true
			}
		}
	}
	for _, set := range []map[string]bool{toYou, notThing} {
		for w := range set {
			m[w] = true
		}
	}
	for _, p := range cjkToYou {
		for _, r := range p {
			m[string(r)] = true
		}
	}
	return m
})

// sentences splits text into tokens and calls fn with those of each
// sentence, numbered in token.sentence; the slice is reused. A sentence
// ends at . ! ? ; (followed by a space or the end), at 。！？；, and at a
// blank line. With words, a token not in it is read as "".
func sentences(text string, words map[string]bool, fn func([]token)) {
	toks := make([]token, 0, 64)
	var buf []byte
	sentence, newlines := 0, 0
	end := func() {
		if len(toks) > 0 {
			fn(toks)
			toks = toks[:0]
		}
		sentence++
	}
	known := func(w string) string {
		if words != nil && !words[w] {
			return ""
		}
		return w
	}
	for i := 0; i < len(text); {
		r, size := rune(text[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(text[i:])
		}
		switch {
		case isCJK(r):
			toks = append(toks, token{text: known(text[i : i+size]), start: i, end: i + size, sentence: sentence, cjk: true})
			newlines = 0
			i += size
		case isWordRune(r):
			j, plain := i+size, r < utf8.RuneSelf && !('A' <= r && r <= 'Z')
			for j < len(text) {
				if c := text[j]; c < utf8.RuneSelf && isWordRune(rune(c)) {
					plain = plain && !('A' <= c && c <= 'Z')
					j++
					continue
				}
				r2, s2 := utf8.DecodeRuneInString(text[j:])
				if (isWordRune(r2) && !isCJK(r2)) || unicode.IsMark(r2) {
					plain = false
					j += s2
					continue
				}
				if r2 == '\'' || r2 == '’' || r2 == '-' {
					if r3, _ := utf8.DecodeRuneInString(text[j+s2:]); isWordRune(r3) && !isCJK(r3) {
						plain = plain && r2 != '’'
						j += s2
						continue
					}
				}
				break
			}
			w := text[i:j]
			if !plain { // lower-case it, ’ as '
				buf = append(buf[:0], strings.ReplaceAll(w, "’", "'")...)
				for k, c := range buf {
					if 'A' <= c && c <= 'Z' {
						buf[k] = c + 'a' - 'A'
					}
				}
				switch {
				case words == nil:
					w = string(buf)
				case words[string(buf)]:
					w = string(buf)
				default:
					w = ""
				}
			} else {
				w = known(w)
			}
			toks = append(toks, token{text: w, start: i, end: j, sentence: sentence})
			newlines = 0
			i = j
		default:
			i += size
			switch {
			case r == '\n':
				if newlines++; newlines == 2 {
					end()
				}
			case r == '。' || r == '！' || r == '？' || r == '；':
				end()
			case r == '.' || r == '!' || r == '?' || r == ';':
				if i >= len(text) || text[i] == ' ' || text[i] == '\n' || text[i] == '\r' || text[i] == '\t' {
					end()
				}
			case r == '\r' || r == ' ' || r == '\t':
			default:
				newlines = 0
			}
		}
	}
	end()
}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

func isCJK(r rune) bool {
	return r >= 0x2e80 && unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}
