package notify

import (
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/sellervault/sellervault/internal/inputerr"
)

// validate checks a Config, as ParseConfig and Build do.
func (cfg Config) validate() error {
	var problems []string
	if len(cfg.Channels) == 0 {
		problems = append(problems, `channels file has no channels; add at least one to "channels"`)
	}
	seen := map[string]int{}
	for i, c := range cfg.Channels {
		where := fmt.Sprintf("channels[%d]", i)
		if validName(c.Name) {
			where += fmt.Sprintf(" (%q)", c.Name)
			if j, dup := seen[c.Name]; dup {
				problems = append(problems, fmt.Sprintf("%s: name is used by channels[%d] too; each channel needs its own name", where, j))
			} else {
				seen[c.Name] = i
			}
		}
		for _, p := range c.problems() {
			problems = append(problems, where+": "+p)
		}
	}
	if len(problems) > 0 {
		return inputerr.Errorf("%s", strings.Join(problems, "\n"))
	}
	return nil
}

func validName(s string) bool {
	if len(s) == 0 || len(s) > 40 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// problems lists what is wrong with one channel, never quoting the url,
// secret or password.
func (c ChannelConfig) problems() []string {
	var p []string
	add := func(format string, args ...any) { p = append(p, fmt.Sprintf(format, args...)) }

	switch {
	case c.Name == "":
		add(`name is missing; give each channel a name like "ops-slack"`)
	case !validName(c.Name):
		add("name %s: use 1 to 40 lower-case letters, digits and hyphens, like \"ops-slack\"", inputerr.Quote(c.Name))
	}
	if _, err := parseTimeout(c.Timeout); err != nil {
		add("%v", err)
	}

	httpField := func(field, value string) {
		if value != "" {
			add("%s is not used by %s channels; remove it", field, c.Type)
		}
	}
	smtpFields := func() {
		if c.Host != "" {
			add("host is only for smtp channels; remove it")
		}
		if c.Port != 0 {
			add("port is only for smtp channels; remove it")
		}
		if c.Username != "" || c.Password != "" {
			add("username and password are only for smtp channels; remove them")
		}
		if c.From != "" || len(c.To) > 0 {
			add("from and to are only for smtp channels; remove them")
		}
		if c.TLS != "" {
			add("tls is only for smtp channels; remove it")
		}
	}

	switch c.Type {
	case TypeWebhook, TypeSlack, TypeWeCom:
		if msg := urlProblem(c.URL); msg != "" {
			p = append(p, msg)
		}
		httpField("secret", c.Secret)
		smtpFields()
	case TypeFeishu, TypeDingTalk:
		if msg := urlProblem(c.URL); msg != "" {
			p = append(p, msg)
		}
		if c.Secret != "" && !cleanSecret(c.Secret) {
			add("secret has spaces or control characters; copy the signing secret again, without them")
		}
		smtpFields()
	case TypeSMTP:
		httpField("url", c.URL)
		httpField("secret", c.Secret)
		p = append(p, c.smtpProblems()...)
	case "":
		add("type is missing; use one of webhook, slack, feishu, dingtalk, wecom, smtp")
	default:
		add("type %s is unknown; use one of webhook, slack, feishu, dingtalk, wecom, smtp", inputerr.Quote(c.Type))
	}
	return p
}

// cleanSecret reports whether a secret is free of spaces and control
// characters (a sign that it was copied with something around it).
func cleanSecret(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return false
		}
	}
	return true
}

func parseTimeout(s string) (time.Duration, error) {
	if s == "" {
		return DefaultTimeout, nil
	}
	d, err := time.ParseDuration(s)
	switch {
	case err != nil:
		return 0, fmt.Errorf("timeout %s is not a duration; use a number with a unit, like \"10s\" or \"1m\"", inputerr.Quote(s))
	case d <= 0:
		return 0, fmt.Errorf("timeout %s must be more than zero", inputerr.Quote(s))
	case d > MaxTimeout:
		return 0, fmt.Errorf("timeout %s is too long; use at most 5m", inputerr.Quote(s))
	}
	return d, nil
}

// urlProblem checks a webhook URL; the message never quotes it.
func urlProblem(raw string) string {
	if raw == "" {
		return "url is missing; copy the webhook URL from the chat tool"
	}
	if !utf8.ValidString(raw) || strings.IndexFunc(raw, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r)
	}) >= 0 {
		return "url has spaces or control characters; copy it again, without them"
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "url is not a valid URL; copy it again from the chat tool"
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !isLoopback(u.Hostname()) {
			return "url must start with https:// (plain http:// is allowed only for 127.0.0.1, ::1 and localhost)"
		}
	default:
		return "url must start with https://"
	}
	if u.Host == "" || u.Hostname() == "" {
		return "url has no host; copy the whole webhook URL"
	}
	if u.Opaque != "" {
		return "url is not a valid URL; copy it again from the chat tool"
	}
	return ""
}

// isLoopback reports whether host (without port or brackets) is this
// machine: localhost or a loopback address.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (c ChannelConfig) smtpProblems() []string {
	var p []string
	add := func(format string, args ...any) { p = append(p, fmt.Sprintf(format, args...)) }

	switch {
	case c.Host == "":
		add("host is missing; give the SMTP server's host name, like \"smtp.example.com\"")
	case !validHost(c.Host):
		add("host %s is not a host name or IP address", inputerr.Quote(c.Host))
	}
	if c.Port < 0 || c.Port > 65535 {
		add("port %d is not a port number (1 to 65535)", c.Port)
	}
	switch c.TLS {
	case "", TLSStartTLS, TLSImplicit:
	case TLSNone:
		if c.Host != "" && !isLoopback(c.Host) {
			add("tls \"none\" is allowed only for 127.0.0.1, ::1 and localhost; use \"starttls\" or \"implicit\"")
		}
	default:
		add("tls %s is unknown; use \"starttls\" (the default), \"implicit\" or \"none\"", inputerr.Quote(c.TLS))
	}
	if c.Password != "" && c.Username == "" {
		add("password is set but username is not; give both or neither")
	}
	if c.Username != "" && c.Password == "" {
		add("username is set but password is not; give both or neither")
	}
	if strings.ContainsAny(c.Username, "\x00\r\n") {
		add("username has control characters")
	}
	if strings.ContainsAny(c.Password, "\x00\r\n") {
		add("password has control characters; copy it again, without them")
	}
	switch {
	case c.From == "":
		add("from is missing; give the sender's address, like \"sellervault <ops@example.com>\"")
	default:
		if msg := addressProblem(c.From); msg != "" {
			add("from %s", msg)
		}
	}
	switch {
	case len(c.To) == 0:
		add("to is missing; give a list of addresses, like [\"owner@example.com\"]")
	case len(c.To) > maxRecipients:
		add("to has %d addresses; at most %d are allowed", len(c.To), maxRecipients)
	default:
		for i, a := range c.To {
			if msg := addressProblem(a); msg != "" {
				add("to[%d] %s", i, msg)
			}
		}
	}
	return p
}

// addressProblem checks one e-mail address for the From and To headers.
func addressProblem(s string) string {
	if strings.IndexFunc(s, func(r rune) bool { return r < ' ' || r == 0x7f }) >= 0 || !utf8.ValidString(s) {
		return fmt.Sprintf("%s has control characters (a line break would let it add mail headers)", inputerr.Quote(s))
	}
	a, err := mail.ParseAddress(s)
	if err != nil {
		return fmt.Sprintf("%s is not an e-mail address, like \"ops@example.com\" or \"Ops <ops@example.com>\"", inputerr.Quote(s))
	}
	if strings.ContainsAny(a.Address, "\r\n<>") || strings.ContainsAny(a.Name, "\r\n") {
		return fmt.Sprintf("%s is not an e-mail address", inputerr.Quote(s))
	}
	return ""
}

// validHost checks an SMTP host: an IP address or a DNS name.
func validHost(h string) bool {
	if net.ParseIP(h) != nil {
		return true
	}
	if len(h) > 253 {
		return false
	}
	for _, label := range strings.Split(strings.TrimSuffix(h, "."), ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}
