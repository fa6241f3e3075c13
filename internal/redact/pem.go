package redact

import "bytes"

// Private keys: a PEM block whose label ends in "PRIVATE KEY" (PKCS #1
// "RSA PRIVATE KEY", "EC PRIVATE KEY", PKCS #8 "PRIVATE KEY" and
// "ENCRYPTED PRIVATE KEY", "OPENSSH PRIVATE KEY") or is "PGP PRIVATE KEY
// BLOCK": from "-----BEGIN …-----" to "-----END …-----", across lines,
// or across spaces where a chat joined the lines. Between them only
// words of base64 and header characters (A-Z a-z 0-9 + / = : , . _ -)
// may come; a word with anything else ends the block there, as does the
// end of the input: a key pasted without its END line is still found, up
// to its last long (16 characters or more) word.
//
// A block can be longer than a chunk. When a chunk ends inside one, the
// finding ends at the chunk's last long word, and what follows it in the
// chunk (white space, short words: the tail) is held back until the
// next chunk shows whether the block goes on there. If it does, its
// continuation is marked, and the finding, the tail and the
// continuation are reported as one finding; if not, the tail is what it
// was (see engine.tail).
const (
	pemBegin    = "-----BEGIN "
	pemEnd      = "-----END "
	pemDashes   = "-----"
	maxPEMLabel = 40
	strongWord  = 16
)

// privateKeys finds private-key blocks in b. open says that the previous
// chunk ended inside one; final that b is the end of the input. It
// returns whether b ends inside a block, and then where that block's
// hit starts.
func privateKeys(b []byte, open, final bool, hits *[]hit) (bool, int) {
	off := 0
	if open {
		end, still := pemBody(b, 0, 0, final)
		if still && end == 0 {
			end = len(b) // only space and short words: all of it, to be safe
		}
		if end > 0 {
			*hits = append(*hits, hit{start: 0, end: end, kind: KindPrivateKey, cont: true})
		}
		if still {
			return true, 0
		}
		off = end
	}
	for {
		k := bytes.Index(b[off:], []byte(pemBegin))
		if k < 0 {
			return false, 0
		}
		s := off + k
		l := s + len(pemBegin)
		e := bytes.Index(b[l:min(len(b), l+maxPEMLabel+len(pemDashes))], []byte(pemDashes))
		if e < 0 || !privateLabel(b[l:l+e]) {
			off = l
			continue
		}
		hdr := l + e + len(pemDashes)
		end, still := pemBody(b, hdr, hdr, final)
		*hits = append(*hits, hit{start: s, end: end, kind: KindPrivateKey})
		if still {
			return true, s
		}
		off = end
	}
}

// privateLabel reports whether a PEM label (between "-----BEGIN " and
// "-----") is one of a private key: upper-case letters, digits and
// spaces, ending in "PRIVATE KEY" or "PRIVATE KEY BLOCK".
func privateLabel(l []byte) bool {
	for _, c := range l {
		if class[c]&(cUpper|cDigit) == 0 && c != ' ' {
			return false
		}
	}
	return bytes.HasSuffix(l, []byte("PRIVATE KEY")) || bytes.HasSuffix(l, []byte("PRIVATE KEY BLOCK"))
}

// pemBody reads the body of a block from b[i:]; last is where the block
// ends if nothing more is found. It returns where the block ends (after
// its END line, or its last long word), and whether b ended inside it
// (never when final).
func pemBody(b []byte, i, last int, final bool) (end int, open bool) {
	n := len(b)
	for {
		for i < n {
			if w := spaceAt(b, i); w > 0 {
				i += w
				continue
			}
			break
		}
		if i == n {
			return last, !final
		}
		if bytes.HasPrefix(b[i:], []byte(pemEnd)) {
			l := i + len(pemEnd)
			if e := bytes.Index(b[l:min(n, l+maxPEMLabel+len(pemDashes))], []byte(pemDashes)); e >= 0 {
				return l + e + len(pemDashes), false
			}
			return last, false
		}
		j := i
		for j < n && class[b[j]]&cPEM != 0 {
			j++
		}
		if j < n && spaceAt(b, j) == 0 {
			return last, false // a word with other characters: prose
		}
		if j-i >= strongWord {
			last = j
		}
		i = j
	}
}
