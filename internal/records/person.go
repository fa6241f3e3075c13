package records

// ParsePersonName checks a team member's name as used for owners and
// assignees (their Vault identity and login name): 1-64 lower-case letters,
// digits, dots, hyphens and underscores, starting and ending with a letter
// or digit.
func ParsePersonName(s string) (string, error) {
	if !validPersonName(s) {
		return "", invalidf("person name %s: use lower-case letters, digits, dots, hyphens and underscores (like olga or j.smith)", quoteInput(s))
	}
	return s, nil
}

func validPersonName(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		alnum := c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
		inner := c == '.' || c == '-' || c == '_'
		if !alnum && !(inner && i > 0 && i < len(s)-1) {
			return false
		}
	}
	return true
}

// ParsePersonList parses a comma-separated list of person names.
func ParsePersonList(s string) ([]string, error) {
	names := SplitList(s)
	for _, n := range names {
		if _, err := ParsePersonName(n); err != nil {
			return nil, err
		}
	}
	return names, nil
}
