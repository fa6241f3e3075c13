package phish

import (
	"fmt"
	"mime"
	"net/mail"
	"net/netip"
	"strings"
	"unicode"

	"github.com/sellervault/sellervault/internal/inputerr"
)

const senderExample = `"Amazon <seller-notification@amazon.com>" or seller-notification@amazon.com`

// maxSenderLen bounds a sender: a From header line is at most 998 bytes
// (RFC 5322 section 2.1.1).
const maxSenderLen = 998

// sender is a parsed From address.
type sender struct {
	name  string // display name, decoded; may be empty
	local string // the mailbox name, before @
	host  host
}

// CheckSender checks the sender of a mail, as its From line shows it:
// `Name <mailbox@domain>`, a bare `mailbox@domain`, or either with a
// (comment); RFC 2047 encoded names are decoded. Besides the domain, it
// checks whether the display name or the mailbox name claims a brand that
// the domain does not belong to. The error says why the text is not an
// address.
func (a *Allowlist) CheckSender(s string) (Result, error) {
	snd, err := parseSender(s)
	if err != nil {
		return Result{}, err
	}
	r := a.examineHost(snd.host)
	at := snd.host.display()
	var fs findings
	if ms := a.mentions(snd.name); len(ms) > 0 && !(r.reg != "" && mentionsBrand(ms, r.brand)) {
		m, name := ms[0], inputerr.Quote(snd.name)
		switch {
		case m.domain != "":
			fs.add(m.brand, fmt.Sprintf("the display name %s shows %s, but the address is at %s", name, m.domain, at))
		case r.reg != "":
			fs.add(m.brand, fmt.Sprintf("the display name %s claims %s, but the address is at %s, a domain of %s", name, m.brand, at, r.brand))
		default:
			fs.add(m.brand, fmt.Sprintf("the display name %s claims %s, but the address is at %s, which is not an allowlisted %s domain", name, m.brand, at, m.brand))
		}
	}
	if r.reg == "" {
		if ms := a.mentions(snd.local); len(ms) > 0 {
			fs.add(ms[0].brand, fmt.Sprintf("the mailbox name %s claims %s, but the address is at %s, which is not an allowlisted %s domain", inputerr.Quote(snd.local), ms[0].brand, at, ms[0].brand))
		}
	}
	return a.result(s, r, append(append(findings(nil), r.fs...), fs...)), nil
}

func mentionsBrand(ms []mention, brand string) bool {
	for _, m := range ms {
		if m.brand == brand {
			return true
		}
	}
	return false
}

// parseSender reads a From address. net/mail reads the RFC 5322 forms;
// what it refuses but mail programs show anyway, a display name with
// unquoted specials like `seller@amazon.com <x@evil.net>`, is read as the
// text before the last "<".
func parseSender(s string) (sender, error) {
	s = strings.TrimSpace(s)
	q := inputerr.Quote(s)
	if s == "" {
		return sender{}, inputerr.Errorf("sender is empty; give an address like %s", senderExample)
	}
	if len(s) > maxSenderLen {
		return sender{}, inputerr.Errorf("sender %s is longer than %d bytes", q, maxSenderLen)
	}
	// Unfold a header that was copied with its line breaks.
	s = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ", "\t", " ").Replace(s)
	if strings.IndexFunc(s, unicode.IsControl) >= 0 {
		return sender{}, inputerr.Errorf("sender %s has a control character", q)
	}
	var name, addr string
	if m, err := mail.ParseAddress(s); err == nil {
		name, addr = m.Name, m.Address
	} else {
		i := strings.LastIndex(s, "<")
		if i < 0 || !strings.HasSuffix(s, ">") || strings.ContainsAny(s[:i], "<>") {
			return sender{}, inputerr.Errorf("sender %s is not an e-mail address; give it like %s", q, senderExample)
		}
		m, err := mail.ParseAddress(s[i:])
		if err != nil {
			return sender{}, inputerr.Errorf("sender %s is not an e-mail address; give it like %s", q, senderExample)
		}
		addr = m.Address
		name = strings.Trim(strings.TrimSpace(s[:i]), `"`)
		if dec, err := new(mime.WordDecoder).DecodeHeader(name); err == nil {
			name = dec
		}
	}
	at := strings.LastIndex(addr, "@")
	if at < 0 {
		return sender{}, inputerr.Errorf("sender %s has no @domain; give it like %s", q, senderExample)
	}
	local, domain := addr[:at], addr[at+1:]
	var h host
	var err error
	if strings.HasPrefix(domain, "[") && strings.HasSuffix(domain, "]") {
		lit := domain[1 : len(domain)-1]
		if len(lit) > 5 && strings.EqualFold(lit[:5], "ipv6:") {
			lit = lit[5:]
		}
		if _, perr := netip.ParseAddr(lit); perr != nil {
			return sender{}, inputerr.Errorf("sender %s: %s is not an IP address", q, inputerr.Quote(domain))
		}
		h, err = parseHost(lit)
	} else {
		h, err = parseHost(domain)
	}
	if err != nil {
		return sender{}, inputerr.Errorf("sender %s: the domain %s is not a valid domain name", q, inputerr.Quote(domain))
	}
	return sender{name: name, local: local, host: h}, nil
}
