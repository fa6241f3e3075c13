package redact

import "context"

// Hasher computes keyed HMACs of normalised values, all in one request
// (Vault Transit's batch_input). It returns one HMAC per value, in
// order, each in the form the index keeps. Redact calls it at most once
// per chunk of text, with distinct values.
type Hasher interface {
	HMAC(ctx context.Context, values []string) ([]string, error)
}

// maxFormLen is the longest normalised form a candidate can have: tokens
// are at most 128 bytes; numbers and IBANs are shorter.
const maxFormLen = 128

// Candidate classes: which ways of cutting and normalising text can
// match which kinds of the index.
const (
	clsExact  = 1 << iota // tokens as they are: passwords
	clsLower              // tokens and e-mail addresses lower-cased: stores, e-mails
	clsNumber             // digit runs: phones, account and routing numbers
	clsIBAN               // IBAN-shaped runs
)

// Index is the redaction index of one audience as Redact uses it: the
// HMACs of the audience's values under the audience's key, each with its
// kind, and a filter that lets Redact skip candidates that cannot match.
//
// The filter is the set of lengths (in bytes) of the indexed normalised
// forms, and the set of kinds in the index (which the HMAC map shows
// anyway). A candidate is sent to the Hasher only when its length is one
// of an indexed form, and only when it is of a class that can match an
// indexed kind (no digit runs are hashed for an index without phones and
// account numbers). This keeps Transit's work per chunk down.
//
// What the filter leaks: the lengths of the audience's sensitive
// values, not tied to a value or a kind. Any member of the audience can
// read its index, so a member learns, say, that some value is 24 bytes
// long. That does not
// help to recover a value: the HMAC key never leaves Vault, so the index
// cannot be attacked offline, and every guess has to go through Transit,
// where it is audited (and can be limited with Vault's rate-limit
// quotas); anyone allowed to redact can make such guesses with or
// without the lengths, which only narrow them a little. The demo's
// passwords, like any generated ones, all have the same length, so for
// them it says next to nothing. A team that wants to hide even that
// passes a superset (say every length from 4 to 128): the filter then
// only drops classes, and Redact hashes more candidates, never finds
// fewer.
type Index struct {
	kinds   map[string]uint8 // HMAC → kind, an index in names (0 is none)
	names   []string
	lens    [numClasses][maxFormLen + 1]bool // by class: lengths a form of it may have
	classes uint8
	// shapes, when shaped, says which shapes (Shape) a token of each
	// length may have to be hashed as it is (passwords, logins).
	shapes [maxFormLen + 1]uint16
	shaped bool
}

// Shape is which kinds of characters a form holds: bit 0 ASCII lower
// case, 1 ASCII upper case, 2 digits, 3 anything else.
func Shape(form string) uint8 { return shapeOf([]byte(form)) }

func shapeOf(b []byte) uint8 {
	var s uint8
	for _, c := range b {
		switch {
		case 'a' <= c && c <= 'z':
			s |= 1
		case 'A' <= c && c <= 'Z':
			s |= 2
		case '0' <= c && c <= '9':
			s |= 4
		default:
			s |= 8
		}
	}
	return s
}

// FormInfo is what the filter knows of an indexed form: its kind, its
// length in bytes and its Shape.
type FormInfo struct {
	Kind   string
	Length int
	Shape  uint8
}

// NewIndexShaped is NewIndexByKind with the shapes of the forms too: a
// token is hashed as it is (for passwords and logins) only when some
// indexed form has its length and its shape, so that order numbers,
// tracking numbers and SKUs, all digits and capitals, are not sent to
// Transit because some password has their length. It tells a member, for
// each length, which kinds of characters the team's passwords of that
// length use (not which characters, nor where).
func NewIndexShaped(hmacToKind map[string]string, forms []FormInfo) *Index {
	lengths := map[string][]int{}
	for _, f := range forms {
		lengths[f.Kind] = append(lengths[f.Kind], f.Length)
	}
	x := NewIndexByKind(hmacToKind, lengths)
	x.shaped = true
	for _, f := range forms {
		if classesOf(f.Kind)&clsExact != 0 && 0 < f.Length && f.Length <= maxFormLen {
			x.shapes[f.Length] |= 1 << (f.Shape & 15)
		}
	}
	return x
}

// numClasses is the number of candidate classes (bits of clsExact …).
const numClasses = 4

// classBit is the index in Index.lens of a single class.
func classBit(cls uint8) int {
	for i := 0; i < numClasses; i++ {
		if cls == 1<<i {
			return i
		}
	}
	return 0
}

// NewIndex builds an Index from the HMACs of the indexed forms (HMAC →
// kind, the kind of the value the form is of) and the lengths in bytes
// of the forms (len of each string from IndexForms; duplicates do not
// matter). A nil lengths turns the length filter off; lengths beyond 128
// bytes are ignored (such values cannot be matched: see the package
// documentation). The map is copied.
func NewIndex(hmacToKind map[string]string, lengths []int) *Index {
	x := &Index{kinds: make(map[string]uint8, len(hmacToKind)), names: []string{""}}
	ids := map[string]uint8{}
	for h, k := range hmacToKind {
		id, ok := ids[k]
		if !ok {
			if len(x.names) >= pending || k == "" {
				continue // no more than 254 kinds; no empty kind
			}
			id = uint8(len(x.names))
			ids[k] = id
			x.names = append(x.names, k)
			x.classes |= classesOf(k)
		}
		x.kinds[h] = id
	}
	if lengths == nil {
		for c := range x.lens {
			for i := range x.lens[c] {
				x.lens[c][i] = true
			}
		}
	}
	for _, n := range lengths {
		if 0 < n && n <= maxFormLen {
			for c := range x.lens {
				x.lens[c][n] = true
			}
		}
	}
	return x
}

// NewIndexByKind is NewIndex with the lengths of the forms given by kind
// (kind → lengths): a candidate is then hashed only when a form of a
// kind it can match has its length, so that, say, a 7-digit order number
// is not sent to Transit because some password has 7 characters. It
// tells a member the lengths of each kind's values (see Index).
func NewIndexByKind(hmacToKind map[string]string, lengths map[string][]int) *Index {
	x := NewIndex(hmacToKind, []int{})
	for kind, ns := range lengths {
		cls := classesOf(kind)
		for c := 0; c < numClasses; c++ {
			if cls&(1<<c) == 0 {
				continue
			}
			for _, n := range ns {
				if 0 < n && n <= maxFormLen {
					x.lens[c][n] = true
				}
			}
		}
	}
	return x
}

// classesOf returns the candidate classes that can match a value of kind.
func classesOf(kind string) uint8 {
	switch kind {
	case KindPassword:
		return clsExact
	case KindEmail, KindStore:
		return clsLower
	case KindPhone, KindAccount, KindRouting, KindCard:
		return clsNumber
	case KindIBAN:
		return clsIBAN
	}
	return clsExact | clsLower
}

// Len returns the number of HMACs in the index.
func (x *Index) Len() int {
	if x == nil {
		return 0
	}
	return len(x.kinds)
}

// kindOf returns the kind of an HMAC, as an index in names (0: none).
func (x *Index) kindOf(hmac string) uint8 { return x.kinds[hmac] }
