package audit

import "bytes"

func (s *scanner) literal(word string) error {
	if !bytes.HasPrefix(s.b[s.i:], []byte(word)) {
		return ErrSyntax
	}
	s.i += len(word)
	return nil
}

// number passes over a JSON number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *scanner) number() error {
	b, i := s.b, s.i
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
	default:
		return ErrSyntax
	}
	if i < len(b) && b[i] == '.' {
		i++
		d := i
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
		if i == d {
			return ErrSyntax
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		d := i
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
		if i == d {
			return ErrSyntax
		}
	}
	s.i = i
	return nil
}

// skip passes over one value of any kind, checking its syntax, with an
// explicit stack of open containers instead of recursion.
func (s *scanner) skip() error {
	var buf [32]byte
	stack := buf[:0] // the closing byte of each open container
	for {
		// A value.
		s.ws()
		if s.i >= len(s.b) {
			return ErrSyntax
		}
		switch c := s.b[s.i]; {
		case c == '{':
			s.i++
			s.ws()
			if s.i < len(s.b) && s.b[s.i] == '}' {
				s.i++
				break
			}
			stack = append(stack, '}')
			if err := s.keySkip(); err != nil {
				return err
			}
			continue
		case c == '[':
			s.i++
			s.ws()
			if s.i < len(s.b) && s.b[s.i] == ']' {
				s.i++
				break
			}
			stack = append(stack, ']')
			continue
		case c == '"':
			if err := s.skipString(); err != nil {
				return err
			}
		case c == 't':
			if err := s.literal("true"); err != nil {
				return err
			}
		case c == 'f':
			if err := s.literal("false"); err != nil {
				return err
			}
		case c == 'n':
			if err := s.literal("null"); err != nil {
				return err
			}
		case c == '-' || '0' <= c && c <= '9':
			if err := s.number(); err != nil {
				return err
			}
		default:
			return ErrSyntax
		}
		// After a value: close containers, or go on to the next element.
	after:
		for {
			if len(stack) == 0 {
				return nil
			}
			s.ws()
			if s.i >= len(s.b) {
				return ErrSyntax
			}
			c := s.b[s.i]
			s.i++
			top := stack[len(stack)-1]
			switch {
			case c == ',':
				if top == '}' {
					if err := s.keySkip(); err != nil {
						return err
					}
				}
				break after
			case c == top:
				stack = stack[:len(stack)-1]
			default:
				return ErrSyntax
			}
		}
	}
}

// keySkip reads `"name" :` without decoding the name.
func (s *scanner) keySkip() error {
	s.ws()
	if s.i >= len(s.b) || s.b[s.i] != '"' {
		return ErrSyntax
	}
	if err := s.skipString(); err != nil {
		return err
	}
	s.ws()
	if s.i >= len(s.b) || s.b[s.i] != ':' {
		return ErrSyntax
	}
	s.i++
	return nil
}
