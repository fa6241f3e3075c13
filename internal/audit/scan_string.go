package audit

import (
	"encoding/binary"
	"unicode/utf16"
	"unicode/utf8"
)

// plain marks the bytes a string can hold as they are: not '"', not '\\',
// not a control character, not beyond ASCII.
var plain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// Eight bytes at a time (SWAR): lsb and msb are each byte's lowest and
// highest bit.
const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// stop8 is non-zero when one of the eight bytes of x ends a run of plain
// string bytes: a quote, a backslash or a control character. (v-lsb)&^v
// has a byte's high bit set where v has a zero byte, and (x-lsb*0x20)&^x
// where x has a byte below 0x20; a borrow can only add false alarms above
// a true one, so "none" is exact.
func stop8(x uint64) uint64 {
	q := x ^ (lsb * '"')
	bs := x ^ (lsb * '\\')
	return ((q-lsb)&^q | (bs-lsb)&^bs | (x-lsb*0x20)&^x) & msb
}

// str reads a string whose opening quote is at s.i and returns its value:
// a slice of the line when it has no escapes and is valid UTF-8 (nearly
// always), else a decoded copy, with invalid UTF-8 and lone surrogates
// turned into U+FFFD as encoding/json does.
func (s *scanner) str() ([]byte, error) {
	start := s.i + 1
	i := start
	b := s.b
	for i < len(b) {
		// Eight at a time while all are plain: the bulk of a line is
		// HMACs and hex, all plain.
		for i+8 <= len(b) && (stop8(binary.LittleEndian.Uint64(b[i:]))|binary.LittleEndian.Uint64(b[i:])&msb) == 0 {
			i += 8
		}
		if i >= len(b) {
			break
		}
		c := b[i]
		if plain[c] {
			i++
			continue
		}
		switch {
		case c == '"':
			s.i = i + 1
			return b[start:i], nil
		case c == '\\' || c >= utf8.RuneSelf:
			return s.strSlow(start)
		default:
			return nil, ErrSyntax // a control character
		}
	}
	return nil, ErrSyntax
}

// strSlow decodes a string with escapes or non-ASCII bytes from start
// (just after the opening quote).
func (s *scanner) strSlow(start int) ([]byte, error) {
	b := s.b
	out := make([]byte, 0, 64)
	i := start
	for i < len(b) {
		c := b[i]
		switch {
		case c == '"':
			s.i = i + 1
			return out, nil
		case c < 0x20:
			return nil, ErrSyntax
		case c == '\\':
			if i+1 >= len(b) {
				return nil, ErrSyntax
			}
			switch e := b[i+1]; e {
			case '"', '\\', '/':
				out = append(out, e)
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'u':
				r := hex4(b[i+2:])
				if r < 0 {
					return nil, ErrSyntax
				}
				i += 6
				if utf16.IsSurrogate(r) {
					if r2 := u4(b[i:]); r2 >= 0 {
						if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
							out = utf8.AppendRune(out, d)
							i += 6
							continue
						}
					}
					r = utf8.RuneError
				}
				out = utf8.AppendRune(out, r)
				continue
			default:
				return nil, ErrSyntax
			}
			i += 2
		case c < utf8.RuneSelf:
			out = append(out, c)
			i++
		default:
			r, size := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && size == 1 {
				out = utf8.AppendRune(out, utf8.RuneError)
			} else {
				out = append(out, b[i:i+size]...)
			}
			i += size
		}
	}
	return nil, ErrSyntax
}

// hex4 reads four hex digits; -1 if they are not.
func hex4(b []byte) rune {
	if len(b) < 4 {
		return -1
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}

// u4 reads `\uXXXX`; -1 if that is not what follows.
func u4(b []byte) rune {
	if len(b) < 6 || b[0] != '\\' || b[1] != 'u' {
		return -1
	}
	return hex4(b[2:])
}

// skipString passes over a string whose opening quote is at s.i,
// checking its escapes.
func (s *scanner) skipString() error {
	b := s.b
	i := s.i + 1
	for i < len(b) {
		for i+8 <= len(b) && stop8(binary.LittleEndian.Uint64(b[i:])) == 0 {
			i += 8
		}
		if i >= len(b) {
			break
		}
		c := b[i]
		switch {
		case plain[c] || c >= utf8.RuneSelf:
			i++
		case c == '"':
			s.i = i + 1
			return nil
		case c == '\\':
			if i+1 >= len(b) {
				return ErrSyntax
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if hex4(b[i+2:]) < 0 {
					return ErrSyntax
				}
				i += 6
			default:
				return ErrSyntax
			}
		default:
			return ErrSyntax
		}
	}
	return ErrSyntax
}
