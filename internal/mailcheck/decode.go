package mailcheck

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"

	"github.com/sellervault/sellervault/internal/inputerr"
)

// decodeBody undoes a part's Content-Transfer-Encoding.
func decodeBody(h Header, body []byte, where string) ([]byte, error) {
	switch cte := strings.ToLower(strings.TrimSpace(h.Get("Content-Transfer-Encoding"))); cte {
	case "", "7bit", "8bit", "binary":
		return body, nil
	case "base64":
		clean := make([]byte, 0, len(body))
		for _, c := range body {
			switch c {
			case ' ', '\t', '\r', '\n':
			default:
				clean = append(clean, c)
			}
		}
		clean = bytes.TrimRight(clean, "=")
		out := make([]byte, base64.RawStdEncoding.DecodedLen(len(clean)))
		n, err := base64.RawStdEncoding.Decode(out, clean)
		if err != nil {
			return nil, malformed(where, "its base64 content is corrupt")
		}
		return out[:n], nil
	case "quoted-printable":
		return decodeQP(body), nil
	default:
		return nil, malformed(where, "its Content-Transfer-Encoding %s is not one of 7bit, 8bit, binary, base64 or quoted-printable", inputerr.Quote(cte))
	}
}

// fileName is a part's file name: Content-Disposition's filename, else
// Content-Type's name, RFC 2231 or RFC 2047 encoded or plain.
func fileName(h Header) string {
	for _, f := range []struct{ field, param string }{{"Content-Disposition", "filename"}, {"Content-Type", "name"}} {
		v := h.Get(f.field)
		if v == "" {
			continue
		}
		_, params, _ := mime.ParseMediaType(v)
		name := params[f.param]
		if name == "" {
			name = rawParam(v, f.param)
		}
		if name != "" {
			return decodeWords(name)
		}
	}
	return ""
}

// rawParam finds param=value in a header value that mime.ParseMediaType
// refuses (an unquoted RFC 2047 word holds "=" and "?").
func rawParam(v, param string) string {
	lower := asciiLower(v) // same length as v
	for at := 0; ; {
		i := strings.Index(lower[at:], param+"=")
		if i < 0 {
			return ""
		}
		i += at
		at = i + len(param) + 1
		if i > 0 && !strings.ContainsRune("; \t", rune(lower[i-1])) {
			continue
		}
		val := v[at:]
		if strings.HasPrefix(val, `"`) {
			if end := strings.IndexByte(val[1:], '"'); end >= 0 {
				return val[1 : end+1]
			}
			return val[1:]
		}
		if end := strings.IndexAny(val, "; \t"); end >= 0 {
			val = val[:end]
		}
		return val
	}
}

var wordDecoder = &mime.WordDecoder{CharsetReader: func(label string, in io.Reader) (io.Reader, error) {
	enc, _ := charset.Lookup(label)
	if enc == nil {
		return nil, fmt.Errorf("unknown charset %s", inputerr.Quote(label))
	}
	return enc.NewDecoder().Reader(in), nil
}}

// decodeWords decodes RFC 2047 encoded words; text it cannot decode is
// returned as it is.
func decodeWords(s string) string {
	if out, err := wordDecoder.DecodeHeader(s); err == nil {
		s = out
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

// toUTF8 decodes text in a charset (UTF-8 when none or unknown).
func toUTF8(b []byte, label string) string {
	if label != "" {
		if enc, name := charset.Lookup(label); enc != nil && name != "utf-8" {
			if out, err := enc.NewDecoder().Bytes(b); err == nil {
				return string(out)
			}
		}
	}
	if utf8.Valid(b) {
		return string(b)
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

// decodeQP decodes quoted-printable text (RFC 2045 section 6.7): "=XX"
// is a byte, "=" at the end of a line joins it to the next, and spaces
// at the end of a line are dropped. A "=" not followed by two hex digits
// is kept, as mail programs show it.
func decodeQP(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for len(b) > 0 {
		line, eol := b, []byte(nil)
		if nl := bytes.IndexByte(b, '\n'); nl >= 0 {
			line, b = b[:nl], b[nl+1:]
			eol = []byte("\n")
			if len(line) > 0 && line[len(line)-1] == '\r' {
				line, eol = line[:len(line)-1], []byte("\r\n")
			}
		} else {
			b = nil
		}
		line = bytes.TrimRight(line, " \t")
		if len(line) > 0 && line[len(line)-1] == '=' {
			line, eol = line[:len(line)-1], nil // soft line break
		}
		for len(line) > 0 {
			eq := bytes.IndexByte(line, '=')
			if eq < 0 {
				out = append(out, line...)
				break
			}
			out = append(out, line[:eq]...)
			if eq+2 < len(line) && unhex(line[eq+1]) < 16 && unhex(line[eq+2]) < 16 {
				out = append(out, unhex(line[eq+1])<<4|unhex(line[eq+2]))
				line = line[eq+3:]
			} else {
				out = append(out, '=')
				line = line[eq+1:]
			}
		}
		out = append(out, eol...)
	}
	return out
}

// unhex is a hex digit's value, or 16 for another byte.
func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	}
	return 16
}
