package mailcheck

import (
	"errors"
	"fmt"
	"net/mail"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sellervault/sellervault/internal/inputerr"
	"github.com/sellervault/sellervault/internal/phish"
)

// Options are what Check needs besides the message.
type Options struct {
	// Allowlist is the reviewed allowlist (phish.ParseAllowlist of
	// policies.Domains()). Required.
	Allowlist *phish.Allowlist
	// LookupTXT answers the DNS TXT queries for DKIM keys
	// ("selector._domainkey.example.com"). Nil: signatures are not
	// verified here, and only the receiving server's
	// Authentication-Results count (`check mail --offline`).
	LookupTXT func(name string) ([]string, error)
}

// Report is what Check found.
type Report struct {
	Verdict phish.Verdict `json:"verdict"`
	// From is the From address; Domain its domain as phish shows it
	// (Unicode, then punycode in parentheses); Brand the allowlisted
	// brand it belongs to (ok) or imitates (suspicious).
	From   string `json:"from"`
	Domain string `json:"domain"`
	Brand  string `json:"brand,omitempty"`
	// ReplyTo, ReturnPath and Sender are those headers' addresses.
	ReplyTo    string `json:"reply_to,omitempty"`
	ReturnPath string `json:"return_path,omitempty"`
	Sender     string `json:"sender,omitempty"`
	// Authentication is the receiving server's record.
	Authentication Auth `json:"authentication"`
	// DKIMChecked: signatures were verified here (not --offline);
	// Signatures are their outcomes.
	DKIMChecked bool        `json:"dkim_checked"`
	Signatures  []Signature `json:"signatures"`
	// Links are the web links by domain, in the order first seen.
	Links       []LinkResult       `json:"links"`
	Attachments []AttachmentResult `json:"attachments"`
	Requests    []Request          `json:"requests"`
	// Reasons explain the verdict, most important first. A suspicious
	// report has at least one.
	Reasons []string `json:"reasons"`
}

// Check parses a message and checks it. The error matches ErrMalformed
// when the message cannot be read or has no From header; Allowlist must
// be set.
func Check(raw []byte, opts Options) (*Report, error) {
	if opts.Allowlist == nil {
		return nil, errors.New("mailcheck: no allowlist")
	}
	msg, err := Parse(raw)
	if err != nil {
		return nil, err
	}
	// DKIM verification waits on DNS: it runs while the rest is checked.
	var signatures chan []Signature
	if opts.LookupTXT != nil {
		signatures = make(chan []Signature, 1)
		go func() { signatures <- verifyDKIM(msg.Raw, opts.LookupTXT) }()
	}
	rep := &Report{Links: []LinkResult{}, Attachments: []AttachmentResult{}, Requests: []Request{}}
	c := &checker{list: opts.Allowlist, rep: rep, urls: map[string]urlResult{}, shown: map[string]urlResult{}, senders: map[string]phish.Result{}, flagged: map[string]bool{}}
	if err := c.headers(msg.Header); err != nil {
		if signatures != nil {
			<-signatures
		}
		return nil, err
	}
	ofHeaders := len(c.findings)
	var body content
	size := 0
	for _, t := range msg.Texts {
		size += len(t.Body) + 2
	}
	body.text.Grow(size + 1024)
	if subject := msg.Header.Get("Subject"); subject != "" {
		body.text.WriteString(decodeWords(subject) + "\n\n")
	}
	for _, t := range msg.Texts {
		if t.HTML {
			body.addHTML(t.Body)
		} else {
			body.addText(t.Body)
		}
	}
	for _, r := range findRequests(body.text.String()) {
		c.rep.Requests = append(c.rep.Requests, r)
		c.flag("the message %s: %s", r.reason, inputerr.Quote(r.Phrase))
	}
	if body.passwords > 0 {
		c.flag("the message has a password field (in its HTML or an attached web page); mail from a marketplace never asks you to type a password into a mail or a file")
	}
	for _, a := range msg.Attachments {
		res, reasons := judgeAttachment(a)
		c.rep.Attachments = append(c.rep.Attachments, res)
		for _, r := range reasons {
			c.flag("%s", r)
		}
	}
	c.links(body.links, body.forms)
	ofContent := len(c.findings)
	if signatures != nil {
		c.rep.DKIMChecked, c.rep.Signatures = true, append([]Signature{}, <-signatures...)
	}
	c.authenticate(msg.Header)
	// Most important first: the headers, the authentication, the content.
	c.findings = append(append(append([]string(nil), c.findings[:ofHeaders]...), c.findings[ofContent:]...), c.findings[ofHeaders:ofContent]...)
	c.verdict()
	c.rep.sanitize()
	return c.rep, nil
}

type checker struct {
	list       *phish.Allowlist
	rep        *Report
	from       phish.Result
	fromDomain string // lower case
	findings   []string
	flagged    map[string]bool      // the findings, to add each once
	authentic  string               // why the message is known to come from the From domain, or ""
	headerPass bool                 // the receiving server's record says pass, not trusted online
	urls       map[string]urlResult // links checked, by origin
	shown      map[string]urlResult // domains that links' texts show
	senders    map[string]phish.Result
}

// flag adds a finding: a reason that makes the message suspicious.
func (c *checker) flag(format string, args ...any) {
	r := fmt.Sprintf(format, args...)
	if c.flagged[r] {
		return
	}
	c.flagged[r] = true
	c.findings = append(c.findings, r)
}

// headers checks From, Reply-To, Return-Path and Sender.
func (c *checker) headers(h Header) error {
	froms := h.Values("From")
	if len(froms) == 0 {
		return malformed("", "it has no From header")
	}
	if len(froms) > 1 {
		c.flag("the message has %d From headers; mail programs may show any of them", len(froms))
	}
	addrs := addresses(froms[0])
	if len(addrs) == 0 {
		addrs = []string{froms[0]} // phish reads forms net/mail refuses
	}
	if len(addrs) > 1 {
		c.flag("the From header names %d addresses", len(addrs))
	}
	for i, a := range addrs {
		res, err := c.list.CheckSender(a)
		if err != nil {
			return malformed("", "its From header is not an address (%v)", err)
		}
		if i == 0 {
			c.from, c.fromDomain = res, addrDomain(a)
			c.rep.From, c.rep.Domain, c.rep.Brand = addrOnly(a), res.Domain, res.Brand
		}
		if res.Verdict == phish.Suspicious {
			for _, r := range res.Reasons {
				c.flag("From: %s", r)
			}
		}
	}
	for _, o := range []struct {
		field, why string
		to         *string
	}{
		{"Reply-To", "replies would go there", &c.rep.ReplyTo},
		{"Return-Path", "the message was sent from there (the envelope sender)", &c.rep.ReturnPath},
		{"Sender", "mail programs show it as sent \"on behalf of\" the From", &c.rep.Sender},
	} {
		for _, v := range h.Values(o.field) {
			for _, a := range addresses(v) {
				c.compare(o.field, o.why, a, o.to)
			}
		}
	}
	return nil
}

// compare checks another address of the header against the From.
func (c *checker) compare(field, why, addr string, to *string) {
	res, err := c.checkSender(addr)
	if err != nil {
		return
	}
	if *to == "" {
		*to = addrOnly(addr)
	}
	if res.Verdict == phish.Suspicious {
		for _, r := range res.Reasons {
			if !contains(c.from.Reasons, r) { // the From's domain again
				c.flag("%s: %s", field, r)
			}
		}
	}
	d := addrDomain(addr)
	sameBrand := res.Verdict == phish.OK && c.from.Verdict == phish.OK && res.Brand == c.from.Brand
	if d != "" && c.fromDomain != "" && !c.aligned(d, c.fromDomain) && !sameBrand {
		c.flag("the %s address is at %s, not at %s like the From: %s", field, d, c.site(c.fromDomain), why)
	}
}

func (c *checker) checkSender(addr string) (phish.Result, error) {
	if r, ok := c.senders[addr]; ok {
		return r, nil
	}
	r, err := c.list.CheckSender(addr)
	if err == nil {
		c.senders[addr] = r
	}
	return r, err
}

var addressParser = mail.AddressParser{WordDecoder: wordDecoder}

// addresses reads an address list; each address is returned as
// `"Name" <mailbox@domain>` (the name RFC 2047 encoded when not ASCII),
// the form phish.CheckSender reads.
func addresses(v string) []string {
	list, err := addressParser.ParseList(v)
	if err != nil {
		return nil
	}
	out := make([]string, 0, len(list))
	for _, a := range list {
		if a.Address != "" {
			out = append(out, (&mail.Address{Name: a.Name, Address: a.Address}).String())
		}
	}
	return out
}

// addrOnly is the mailbox@domain of an address, decoded for display.
func addrOnly(a string) string {
	if m, err := addressParser.Parse(a); err == nil {
		return m.Address
	}
	if i := strings.LastIndex(a, "<"); i >= 0 {
		return strings.TrimSuffix(strings.TrimSpace(a[i+1:]), ">")
	}
	return a
}

// addrDomain is the domain of an address, lower case, "" when none.
func addrDomain(a string) string {
	addr := addrOnly(a)
	if i := strings.LastIndex(addr, "@"); i >= 0 {
		return strings.ToLower(strings.Trim(addr[i+1:], "[] "))
	}
	return ""
}

// authenticate reads the receiving server's results and the outcomes of
// the DKIM signatures verified here.
func (c *checker) authenticate(h Header) {
	a := readAuth(h)
	c.rep.Authentication = a
	from := c.fromDomain
	server := "the receiving server"
	if a.Server != "" {
		server += " (" + a.Server + ")"
	}
	if c.rep.DKIMChecked {
		for _, s := range c.rep.Signatures {
			switch {
			case s.Result == "pass" && c.aligned(s.Domain, from) && c.authentic == "":
				c.authentic = fmt.Sprintf("a DKIM signature of %s verified here", s.Domain)
			case s.Result == "fail" && c.aligned(s.Domain, from):
				c.flag("the DKIM signature of %s does not verify (%s): the message was changed after it was signed, or forged", s.Domain, s.Detail)
			}
		}
	}
	// The receiving server's passes confirm the sender only offline:
	// online, a pass needs a signature verified here, because a sender
	// can write an Authentication-Results header themselves where the
	// receiving server adds none. Its failures always count.
	trustPass := !c.rep.DKIMChecked
	switch a.DMARC {
	case "pass":
		if (a.dmarcFrom == "" || c.aligned(a.dmarcFrom, from)) && c.authentic == "" {
			if trustPass {
				c.authentic = fmt.Sprintf("%s found DMARC pass for %s", server, c.site(from))
			} else {
				c.headerPass = true
			}
		}
	case "fail":
		c.flag("%s found that DMARC fails for %s: the From is forged", server, orElse(a.dmarcFrom, c.site(from)))
	}
	if a.compauth == "fail" || a.compauth == "softfail" {
		c.flag("%s found that composite authentication (compauth) fails: Microsoft judges the sender forged", server)
	}
	if a.DMARC == "pass" {
		return
	}
	if a.SPF == "fail" || a.SPF == "softfail" {
		c.flag("%s found SPF %s: the server that sent the message may not send mail for %s", server, a.SPF, orElse(a.spfDomain, "the sender's domain"))
	}
	for _, d := range a.dkims {
		switch {
		case d.value == "pass" && c.aligned(d.domain, from) && c.authentic == "" && trustPass:
			c.authentic = fmt.Sprintf("%s found a DKIM signature of %s that passes", server, d.domain)
		case d.value == "pass" && c.aligned(d.domain, from):
			c.headerPass = true
		case d.value == "fail" && (d.domain == "" || c.aligned(d.domain, from)):
			c.flag("%s found that the DKIM signature of %s fails", server, orElse(d.domain, c.site(from)))
		}
	}
}

func orElse(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// verdict sets the verdict and its reasons.
func (c *checker) verdict() {
	r := c.rep
	switch {
	case len(c.findings) > 0:
		r.Verdict, r.Reasons = phish.Suspicious, c.findings
	case c.from.Verdict == phish.OK && c.authentic != "":
		r.Verdict = phish.OK
		r.Reasons = append(append([]string(nil), c.from.Reasons...), c.authentic)
	case c.from.Verdict == phish.OK:
		r.Verdict = phish.Unknown
		why := "and the receiving server recorded no pass (Authentication-Results)"
		if c.headerPass {
			why = "and the Authentication-Results header's pass alone is not trusted: a sender can write that header where the receiving server adds none (--offline trusts it)"
		}
		r.Reasons = []string{fmt.Sprintf("nothing shows that the message really comes from %s: %s, %s", c.site(c.fromDomain), c.dkimWord(), why)}
	default:
		r.Verdict = phish.Unknown
		r.Reasons = append([]string(nil), c.from.Reasons...)
	}
}

func (c *checker) dkimWord() string {
	if c.rep.DKIMChecked {
		return "no DKIM signature of it verifies"
	}
	return "DKIM signatures are not verified offline"
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// maxField bounds a value copied from the message into the report.
const maxField = 200

// safe makes text from the message fit to print on a terminal: control
// and bidirectional-override characters and bytes that are not UTF-8
// are written as escapes (\u202e, \x1b), and a long value is cut short.
func safe(s string, limit int) string {
	clean := true
	for _, r := range s {
		if unsafeRune(r) {
			clean = false
			break
		}
	}
	if !clean {
		var b strings.Builder
		for i, r := range s {
			switch {
			case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"):
				fmt.Fprintf(&b, `\x%02x`, s[i])
			case unsafeRune(r):
				q := strconv.QuoteRuneToASCII(r)
				b.WriteString(q[1 : len(q)-1])
			default:
				b.WriteRune(r)
			}
		}
		s = b.String()
	}
	if limit > 0 && len(s) > limit {
		cut := limit - 3
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "..."
	}
	return s
}

func unsafeRune(r rune) bool {
	return unicode.IsControl(r) || strings.ContainsRune(bidiControls, r) || r == '\u2028' || r == '\u2029' || r == utf8.RuneError
}

// sanitize makes every text of the report safe to print.
func (r *Report) sanitize() {
	for _, p := range []*string{&r.From, &r.Domain, &r.ReplyTo, &r.ReturnPath, &r.Sender,
		&r.Authentication.Server, &r.Authentication.SPF, &r.Authentication.DKIM, &r.Authentication.DMARC} {
		*p = safe(*p, maxField)
	}
	for i := range r.Signatures {
		r.Signatures[i].Domain = safe(r.Signatures[i].Domain, maxField)
		r.Signatures[i].Detail = safe(r.Signatures[i].Detail, maxField)
	}
	for i := range r.Links {
		r.Links[i].Domain = safe(r.Links[i].Domain, maxField)
	}
	for i := range r.Attachments {
		r.Attachments[i].Name = safe(r.Attachments[i].Name, maxField)
		r.Attachments[i].Type = safe(r.Attachments[i].Type, maxField)
	}
	for i := range r.Requests {
		r.Requests[i].Phrase = safe(r.Requests[i].Phrase, 0)
	}
	for i := range r.Reasons {
		r.Reasons[i] = safe(r.Reasons[i], 0)
	}
}
