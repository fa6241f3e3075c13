//go:build unix && !darwin

package clipboard

import (
	"unicode/utf8"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"
)

// What the owner offers, as target names, and the password hint.
const (
	targetTextPlainUTF8 = "text/plain;charset=utf-8"

	// targetPasswordHint marks the selection as a password: KDE's Klipper
	// (and clipboard managers that follow KeePassXC's lead) do not record a
	// selection whose x-kde-passwordManagerHint target converts to
	// "secret".
	targetPasswordHint = "x-kde-passwordManagerHint"
	passwordHintValue  = "secret"
)

// offered lists the targets the owner answers TARGETS with, in order of
// preference.
func (a x11Atoms) offered() []xproto.Atom {
	return []xproto.Atom{a.utf8, a.textPlainUTF8, a.str, a.text, a.targets, a.timestamp, a.hint}
}

// conversion is what the owner of value, which took the selection at
// acquired, answers for target: the property's type, format and data. It
// refuses (ok false) targets it does not offer, MULTIPLE among them, and
// STRING for text that Latin-1 cannot spell.
func (a x11Atoms) conversion(target xproto.Atom, value []byte, acquired xproto.Timestamp) (typ xproto.Atom, format byte, data []byte, ok bool) {
	switch target {
	case a.targets:
		list := a.offered()
		data = make([]byte, 4*len(list))
		for i, t := range list {
			xgb.Put32(data[4*i:], uint32(t))
		}
		return a.atom, 32, data, true
	case a.timestamp:
		data = make([]byte, 4)
		xgb.Put32(data, uint32(acquired))
		return a.integer, 32, data, true
	case a.utf8, a.text:
		return a.utf8, 8, value, true
	case a.textPlainUTF8:
		return a.textPlainUTF8, 8, value, true
	case a.str:
		if l, ok := latin1(value); ok {
			return a.str, 8, l, true
		}
	case a.hint:
		return a.hint, 8, []byte(passwordHintValue), true
	}
	return 0, 0, nil, false
}

// latin1 spells UTF-8 text in ISO 8859-1, as the STRING target requires,
// if every character is in Latin-1.
func latin1(b []byte) ([]byte, bool) {
	out := make([]byte, 0, len(b))
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if (r == utf8.RuneError && n == 1) || r > 0xff {
			return nil, false
		}
		out = append(out, byte(r))
		b = b[n:]
	}
	return out, true
}
