package audit

// scanner is a validating JSON reader over one line that decodes only the
// fields the report needs and skips the rest without building anything.
// It accepts exactly what encoding/json accepts (FuzzParseLine checks it
// against a reference built on encoding/json) and needs no recursion for
// skipped values, so a hostile line cannot exhaust the stack.
type scanner struct {
	b []byte
	i int
}

// isSpace is JSON's white space.
func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func (s *scanner) ws() {
	for s.i < len(s.b) && isSpace(s.b[s.i]) {
		s.i++
	}
}

// object reads an object whose "{" is at s.i, decoding the fields level
// knows. Known objects nest at most three deep, so the recursion is
// bounded; everything else goes through skip.
func (s *scanner) object(e *rawEntry, lvl level) error {
	s.i++ // '{'
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == '}' {
		s.i++
		return nil
	}
	for {
		key, err := s.key()
		if err != nil {
			return err
		}
		s.ws()
		if s.i >= len(s.b) {
			return ErrSyntax
		}
		dst, sub := field(lvl, key, e)
		c := s.b[s.i]
		switch {
		case lvl == levelResponseData:
			if string(key) == "error" && c != 'n' {
				e.respErr = true
			}
			if err := s.skip(); err != nil {
				return err
			}
		case lvl == levelRequestData:
			if err := s.requestData(e, key, c); err != nil {
				return err
			}
		case sub == levelRequestData && c != '{':
			// request.data is the client's: of another type (never in
			// Vault's logs), it is passed over rather than refusing the line.
			if err := s.skip(); err != nil {
				return err
			}
		case dst != nil:
			switch c {
			case '"':
				v, err := s.str()
				if err != nil {
					return err
				}
				*dst = v
			case 'n':
				if err := s.literal("null"); err != nil {
					return err
				}
			default:
				if err := s.skip(); err != nil {
					return err
				}
				return ErrFieldType
			}
		case sub != levelNone:
			switch c {
			case '{':
				if err := s.object(e, sub); err != nil {
					return err
				}
			case 'n':
				if err := s.literal("null"); err != nil {
					return err
				}
			default:
				if err := s.skip(); err != nil {
					return err
				}
				return ErrFieldType
			}
		default:
			if err := s.skip(); err != nil {
				return err
			}
		}
		s.ws()
		if s.i >= len(s.b) {
			return ErrSyntax
		}
		c = s.b[s.i]
		s.i++
		switch c {
		case ',':
		case '}':
			return nil
		default:
			return ErrSyntax
		}
	}
}

// requestData reads one member of request.data, whose value starts with
// c: the fields the report uses, of the type it expects, are kept; any
// other value is skipped.
func (s *scanner) requestData(e *rawEntry, key []byte, c byte) error {
	switch {
	case string(key) == "token" && c == '"':
		v, err := s.str()
		e.dataToken = v
		return err
	case string(key) == "token":
		e.dataToken = nil
	case string(key) == "batch_input" && c == '[':
		n, err := s.arrayLen()
		e.batch = n
		return err
	case string(key) == "batch_input":
		e.batch = 0
	case string(key) == "input" && c != 'n':
		e.input = true
	}
	return s.skip()
}

// arrayLen passes over an array whose "[" is at s.i and counts its
// elements.
func (s *scanner) arrayLen() (int, error) {
	s.i++ // '['
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == ']' {
		s.i++
		return 0, nil
	}
	for n := 1; ; n++ {
		if err := s.skip(); err != nil {
			return 0, err
		}
		s.ws()
		if s.i >= len(s.b) {
			return 0, ErrSyntax
		}
		c := s.b[s.i]
		s.i++
		switch c {
		case ',':
		case ']':
			return n, nil
		default:
			return 0, ErrSyntax
		}
	}
}

// key reads `"name" :` (with white space around) and returns the name.
func (s *scanner) key() ([]byte, error) {
	s.ws()
	if s.i >= len(s.b) || s.b[s.i] != '"' {
		return nil, ErrSyntax
	}
	k, err := s.str()
	if err != nil {
		return nil, err
	}
	s.ws()
	if s.i >= len(s.b) || s.b[s.i] != ':' {
		return nil, ErrSyntax
	}
	s.i++
	return k, nil
}
