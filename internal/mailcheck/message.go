package mailcheck

import (
	"bytes"
	"errors"
	"fmt"
	"mime"
	"strings"

	"github.com/sellervault/sellervault/internal/inputerr"
)

// Limits of what Parse reads.
const (
	// MaxMessageBytes is the largest message Parse reads: mail servers
	// refuse messages above 25 to 50 MB.
	MaxMessageBytes = 50 << 20
	maxDepth        = 16    // nested multiparts and attached messages
	maxParts        = 2000  // MIME parts in all
	maxFields       = 10000 // header fields of one header
	sniffBytes      = 64 << 10
)

// ErrMalformed is matched, with errors.Is, by every error Parse and
// Check return for a message they cannot read (so is inputerr.ErrInvalid).
// The error names the problem and where it is (a header line number, a
// MIME part such as "part 1.2"); it never quotes the message's text.
var ErrMalformed = errors.New("malformed message")

type malformedError struct{ where, problem string }

func (e *malformedError) Error() string {
	if e.where == "" {
		return "the message is malformed: " + e.problem
	}
	return "the message is malformed: " + e.where + ": " + e.problem
}

func (e *malformedError) Is(target error) bool {
	return target == ErrMalformed || target == inputerr.ErrInvalid
}

func malformed(where, format string, args ...any) error {
	return &malformedError{where: where, problem: fmt.Sprintf(format, args...)}
}

// Field is one header field: its name as written and its value unfolded
// (line breaks removed), not decoded (RFC 2047 words are left as they are).
type Field struct {
	Name, Value string
}

// Header is a header's fields in the order they appear, top first.
type Header []Field

// Values returns the values of every field named name (in any case), top first.
func (h Header) Values(name string) []string {
	var out []string
	for _, f := range h {
		if strings.EqualFold(f.Name, name) {
			out = append(out, f.Value)
		}
	}
	return out
}

// Get returns the value of the first field named name, or "".
func (h Header) Get(name string) string {
	for _, f := range h {
		if strings.EqualFold(f.Name, name) {
			return f.Value
		}
	}
	return ""
}

// Text is a text/plain or text/html part, decoded to UTF-8.
type Text struct {
	Part string // its place in the MIME tree: "1", "1.2" …
	HTML bool
	// Attached: the part is an attachment (a file name, or
	// Content-Disposition: attachment) rather than the message's text.
	Attached bool
	Body     string
}

// Attachment is a part that is not the message's text: a file, an image,
// a calendar invitation.
type Attachment struct {
	Part string
	Name string // the file name, decoded; may be empty
	Type string // the declared media type, lower case
	Size int    // decoded size in bytes
	Head []byte // the first 64 KiB, decoded, for sniffing
}

// Message is a parsed message.
type Message struct {
	Header      Header
	Texts       []Text
	Attachments []Attachment
	// Raw is the message from its first header field on (an mbox "From "
	// line before it is left out), for verifying DKIM signatures.
	Raw []byte
}

// Parse reads a message in Internet Message Format (RFC 5322) with MIME
// parts (RFC 2045–2049), as mail programs save it (.eml). Lines may end
// in CRLF or LF. The error matches ErrMalformed and names the problem.
func Parse(raw []byte) (*Message, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, malformed("", "it is empty")
	}
	if len(raw) > MaxMessageBytes {
		return nil, malformed("", "it is larger than %d MiB", MaxMessageBytes>>20)
	}
	if bytes.HasPrefix(raw, []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")) {
		return nil, malformed("", "this is an Outlook .msg file, not a saved message (.eml): save the mail as .eml, or use the mail program's \"show original\" and save that")
	}
	if bytes.HasPrefix(raw, []byte("From ")) && !bytes.HasPrefix(bytes.TrimLeft(raw[4:], " \t"), []byte(":")) { // mbox separator line
		if i := bytes.IndexByte(raw, '\n'); i >= 0 {
			raw = raw[i+1:]
		}
	}
	h, body, err := readHeader(raw, "")
	if err != nil {
		return nil, err
	}
	if len(h) == 0 {
		return nil, malformed("", "it has no header fields")
	}
	p := &parser{msg: &Message{Header: h, Raw: raw}}
	if err := p.entity(h, body, "1", 0); err != nil {
		return nil, err
	}
	return p.msg, nil
}

// readHeader reads header fields up to the blank line that ends them and
// returns them with the rest (the body). where names the header in errors
// ("" for the message's own, "part 1.2" for a part's).
func readHeader(b []byte, where string) (Header, []byte, error) {
	var h Header
	// The last field's value, built line by line (appending to a string
	// would copy it at every folded line: quadratic in a long field).
	var value []byte
	flush := func() {
		if len(h) > 0 {
			h[len(h)-1].Value = string(value)
		}
	}
	for line := 1; len(b) > 0; line++ {
		end := bytes.IndexByte(b, '\n')
		var l []byte
		rest := []byte(nil)
		if end < 0 {
			l = b
		} else {
			l, rest = b[:end], b[end+1:]
		}
		l = bytes.TrimSuffix(l, []byte("\r"))
		b = rest
		if len(l) == 0 {
			flush()
			return trimValues(h), b, nil
		}
		if bytes.IndexByte(l, 0) >= 0 {
			return nil, nil, malformed(where, "line %d of the header has a NUL byte", line)
		}
		if l[0] == ' ' || l[0] == '\t' {
			if len(h) == 0 {
				return nil, nil, malformed(where, "line %d of the header starts with a space, before any field; is this a saved mail message (.eml)?", line)
			}
			if len(value)+len(l) > maxFieldBytes {
				return nil, nil, malformed(where, "line %d of the header: the %s field is longer than %d KiB", line, h[len(h)-1].Name, maxFieldBytes>>10)
			}
			value = append(value, l...)
			continue
		}
		colon := bytes.IndexByte(l, ':')
		name := bytes.TrimRight(l[:max(colon, 0)], " \t")
		if colon <= 0 || !fieldName(name) {
			return nil, nil, malformed(where, "line %d of the header is not a header field (a name, then a colon); is this a saved mail message (.eml)?", line)
		}
		if len(h) == maxFields {
			return nil, nil, malformed(where, "the header has more than %d fields", maxFields)
		}
		flush()
		h = append(h, Field{Name: string(name)})
		value = append(value[:0:0], l[colon+1:]...)
	}
	flush()
	return trimValues(h), nil, nil
}

// maxFieldBytes bounds one header field, folded lines included.
const maxFieldBytes = 256 << 10

func trimValues(h Header) Header {
	for i := range h {
		h[i].Value = strings.TrimSpace(h[i].Value)
	}
	return h
}

// fieldName reports whether b is a header field name: printable ASCII
// without a colon (RFC 5322 section 3.6.8).
func fieldName(b []byte) bool {
	for _, c := range b {
		if c < 33 || c > 126 {
			return false
		}
	}
	return len(b) > 0
}

type parser struct {
	msg   *Message
	parts int
}

// entity reads one MIME entity (the message itself or a part) with its
// header h and undecoded body.
func (p *parser) entity(h Header, body []byte, path string, depth int) error {
	where := "part " + path
	if p.parts++; p.parts > maxParts {
		return malformed("", "it has more than %d MIME parts", maxParts)
	}
	if depth > maxDepth {
		return malformed(where, "parts are nested more than %d deep", maxDepth)
	}
	mt, params, err := mediaType(h.Get("Content-Type"))
	if err != nil {
		return malformed(where, "%v", err)
	}
	switch {
	case strings.HasPrefix(mt, "multipart/"):
		boundary := params["boundary"]
		if boundary == "" {
			return malformed(where, "%s has no boundary parameter", mt)
		}
		parts, err := splitMultipart(body, boundary)
		if err != nil {
			return malformed(where, "%s %v", mt, err)
		}
		for i, part := range parts {
			sub := fmt.Sprintf("%s.%d", path, i+1)
			ph, pb, err := readHeader(part, "part "+sub)
			if err != nil {
				return err
			}
			if err := p.entity(ph, pb, sub, depth+1); err != nil {
				return err
			}
		}
		return nil
	case mt == "message/rfc822" || mt == "message/global":
		content, err := decodeBody(h, body, where)
		if err != nil {
			return err
		}
		if name := fileName(h); name != "" {
			p.msg.Attachments = append(p.msg.Attachments, attachment(path, name, mt, content))
		}
		ih, ib, err := readHeader(content, where+" (an attached message)")
		if err != nil {
			return err
		}
		return p.entity(ih, ib, path+".1", depth+1)
	}
	content, err := decodeBody(h, body, where)
	if err != nil {
		return err
	}
	name := fileName(h)
	disp, _, _ := mime.ParseMediaType(h.Get("Content-Disposition"))
	attached := name != "" || disp == "attachment"
	if mt == "text/plain" || mt == "text/html" {
		p.msg.Texts = append(p.msg.Texts, Text{Part: path, HTML: mt == "text/html", Attached: attached, Body: toUTF8(content, params["charset"])})
		if !attached {
			return nil
		}
	}
	p.msg.Attachments = append(p.msg.Attachments, attachment(path, name, mt, content))
	return nil
}

func attachment(path, name, mt string, content []byte) Attachment {
	return Attachment{Part: path, Name: name, Type: mt, Size: len(content), Head: content[:min(len(content), sniffBytes)]}
}

// mediaType reads a Content-Type value. A missing one is text/plain; so
// is one that cannot be read, as RFC 2045 section 5.2 says, except a
// multipart type, whose parts could not be found without it.
func mediaType(v string) (string, map[string]string, error) {
	if v == "" {
		return "text/plain", nil, nil
	}
	mt, params, err := mime.ParseMediaType(v)
	if err == mime.ErrInvalidMediaParameter { // an unquoted "=" or "?" in a value
		params, err = map[string]string{"boundary": rawParam(v, "boundary"), "charset": rawParam(v, "charset")}, nil
	}
	switch {
	case err == nil && strings.Contains(mt, "/"):
		return mt, params, nil
	case strings.HasPrefix(strings.ToLower(strings.TrimSpace(v)), "multipart/"):
		return "", nil, errors.New("the Content-Type header of a multipart part cannot be read")
	}
	return "text/plain", nil, nil
}

// splitMultipart returns the parts of a multipart body (RFC 2046 section
// 5.1.1): the text between "--boundary" lines, up to "--boundary--".
func splitMultipart(body []byte, boundary string) ([][]byte, error) {
	delim := []byte("--" + boundary)
	var parts [][]byte
	start := -1 // where the current part begins, -1 before the first delimiter
	for at := 0; ; {
		i := bytes.Index(body[at:], delim)
		if i < 0 {
			if start < 0 {
				return nil, errors.New("has no parts: its boundary is not found in the message")
			}
			return nil, errors.New("ends without its closing boundary: the message is cut short")
		}
		i += at
		at = i + len(delim)
		if i > 0 && body[i-1] != '\n' {
			continue // not at the start of a line
		}
		lineEnd := bytes.IndexByte(body[at:], '\n')
		var tail []byte
		next := len(body)
		if lineEnd >= 0 {
			tail, next = body[at:at+lineEnd], at+lineEnd+1
		} else {
			tail = body[at:]
		}
		tail = bytes.TrimRight(tail, " \t\r")
		closing := bytes.Equal(tail, []byte("--"))
		if len(tail) > 0 && !closing {
			continue // a longer boundary that begins with this one
		}
		if start >= 0 {
			end := i
			if end > start && body[end-1] == '\n' {
				end--
				if end > start && body[end-1] == '\r' {
					end--
				}
			}
			parts = append(parts, body[start:end])
		}
		if closing {
			if start < 0 {
				return nil, errors.New("has no parts: it closes before its first part")
			}
			return parts, nil
		}
		start, at = next, next
		if len(parts) >= maxParts {
			return nil, fmt.Errorf("has more than %d parts", maxParts)
		}
	}
}
