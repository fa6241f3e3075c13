package notify

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"strconv"
	"strings"
	"time"
)

// smtpChannel sends one e-mail per message to a fixed list of addresses.
type smtpChannel struct {
	base
	host     string
	port     int
	mode     string // TLSStartTLS, TLSImplicit or TLSNone
	username string
	password string
	from     *mail.Address
	to       []*mail.Address
	rootCAs  *x509.CertPool
	now      func() time.Time
}

func newSMTP(b base, c ChannelConfig, opts Options) *smtpChannel {
	s := &smtpChannel{
		base:     b,
		host:     c.Host,
		port:     c.Port,
		mode:     c.TLS,
		username: c.Username,
		password: c.Password,
		rootCAs:  opts.RootCAs,
		now:      opts.Now,
	}
	if s.mode == "" {
		s.mode = TLSStartTLS
	}
	if s.port == 0 {
		switch s.mode {
		case TLSImplicit:
			s.port = 465
		case TLSNone:
			s.port = 25
		default:
			s.port = 587
		}
	}
	// Checked by validate.
	s.from, _ = mail.ParseAddress(c.From)
	for _, a := range c.To {
		addr, _ := mail.ParseAddress(a)
		s.to = append(s.to, addr)
	}
	if s.password != "" {
		// The AUTH PLAIN response holds the password too.
		plain := base64.StdEncoding.EncodeToString([]byte("\x00" + s.username + "\x00" + s.password))
		s.secrets = append(s.secrets, plain)
	}
	return s
}

// Send sends m as one e-mail: Subject is m.Title(), the body m.Text(0).
func (s *smtpChannel) Send(parent context.Context, m Message) error {
	msg := s.compose(m)
	ctx, cancel := s.withTimeout(parent)
	defer cancel()

	addr := net.JoinHostPort(s.host, strconv.Itoa(s.port))
	tlsConf := &tls.Config{ServerName: s.host, RootCAs: s.rootCAs, MinVersion: tls.VersionTLS12}
	var conn net.Conn
	var err error
	if s.mode == TLSImplicit {
		d := tls.Dialer{Config: tlsConf}
		conn, err = d.DialContext(ctx, "tcp", addr)
	} else {
		var d net.Dialer
		conn, err = d.DialContext(ctx, "tcp", addr)
	}
	if err != nil {
		return s.netError(parent, ctx, "cannot connect to "+addr, err)
	}
	// net/smtp knows no context: the deadline bounds every read and write,
	// and cancelling closes the connection.
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	defer conn.Close()

	c, err := smtp.NewClient(conn, s.host)
	if err != nil {
		return s.netError(parent, ctx, "no SMTP greeting from "+addr, err)
	}
	defer c.Close()
	if s.mode == TLSStartTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return s.errorf(errOther, "%s does not offer STARTTLS; sellervault does not send mail or passwords unencrypted (use tls \"implicit\" for port 465)", addr)
		}
		if err := c.StartTLS(tlsConf); err != nil {
			return s.netError(parent, ctx, "STARTTLS with "+addr+" failed", err)
		}
	}
	if s.username != "" {
		if err := c.Auth(smtp.PlainAuth("", s.username, s.password, s.host)); err != nil {
			return s.netError(parent, ctx, "the server refused the login of "+strconv.Quote(s.username), err)
		}
	}
	if err := c.Mail(s.from.Address); err != nil {
		return s.netError(parent, ctx, "the server refused the sender "+s.from.Address, err)
	}
	for _, a := range s.to {
		if err := c.Rcpt(a.Address); err != nil {
			return s.netError(parent, ctx, "the server refused the recipient "+a.Address, err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return s.netError(parent, ctx, "the server refused the message", err)
	}
	if _, err := w.Write(msg); err != nil {
		return s.netError(parent, ctx, "sending the message failed", err)
	}
	if err := w.Close(); err != nil {
		return s.netError(parent, ctx, "the server refused the message", err)
	}
	// The message was accepted; a failed goodbye does not matter.
	_ = c.Quit()
	return nil
}

// netError describes an SMTP failure: what was being done and the
// server's reply (code and text, cleaned), or the kind of network error.
func (s *smtpChannel) netError(parent, ctx context.Context, what string, err error) error {
	if ctx.Err() != nil {
		return s.ctxError(parent)
	}
	var (
		tpErr   *textproto.Error
		netErr  net.Error
		opErr   *net.OpError
		dnsErr  *net.DNSError
		certErr *tls.CertificateVerificationError
		unknown x509.UnknownAuthorityError
		host    x509.HostnameError
	)
	switch {
	case errors.As(err, &tpErr):
		return s.errorf(errOther, "%s: %d %s", what, tpErr.Code, cleanAnswer(tpErr.Msg))
	case errors.As(err, &netErr) && netErr.Timeout():
		return s.ctxError(parent)
	case errors.As(err, &dnsErr):
		return s.errorf(errOther, "%s: cannot find the host %s", what, s.host)
	case errors.As(err, &unknown), errors.As(err, &host), errors.As(err, &certErr):
		return s.errorf(errOther, "%s: the server's TLS certificate is not trusted", what)
	case errors.As(err, &opErr) && opErr.Err != nil:
		return s.errorf(errOther, "%s: %s", what, cleanAnswer(opErr.Err.Error()))
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return s.errorf(errOther, "%s: the server closed the connection", what)
	}
	// net/smtp's own errors ("smtp: server doesn't support AUTH") and TLS
	// alerts say nothing secret; they are cleaned and scrubbed all the same.
	return s.errorf(errOther, "%s: %s", what, cleanAnswer(err.Error()))
}

// compose builds the e-mail: headers, then the text as quoted-printable
// UTF-8. Every header value is either fixed, an address that went through
// net/mail, or the title, which has no control characters; header
// injection is not possible.
func (s *smtpChannel) compose(m Message) []byte {
	now := s.now()
	var b bytes.Buffer
	header := func(k, v string) {
		b.WriteString(k)
		b.WriteString(": ")
		b.WriteString(v)
		b.WriteString("\r\n")
	}
	header("From", s.from.String())
	to := make([]string, len(s.to))
	for i, a := range s.to {
		to[i] = a.String()
	}
	header("To", strings.Join(to, ",\r\n "))
	header("Subject", encodeHeader(m.Title()))
	header("Date", now.Format(time.RFC1123Z))
	header("Message-ID", messageID(now, s.from.Address))
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "quoted-printable")
	header("Auto-Submitted", "auto-generated")
	b.WriteString("\r\n")

	qp := quotedprintable.NewWriter(&b)
	text := strings.ReplaceAll(m.Text(0), "\n", "\r\n")
	qp.Write([]byte(text + "\r\n"))
	qp.Close()
	return b.Bytes()
}

// encodeHeader makes a header value of text: as it is when it is printable
// ASCII, else as RFC 2047 encoded words. Control characters, which clean
// keeps out of titles, are dropped here once more.
func encodeHeader(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return -1
		}
		return r
	}, s)
	return mime.QEncoding.Encode("utf-8", s)
}

// messageID is a unique Message-ID in the sender's domain.
func messageID(now time.Time, from string) string {
	domain := "sellervault.invalid"
	if i := strings.LastIndexByte(from, '@'); i >= 0 && i+1 < len(from) {
		domain = from[i+1:]
	}
	var r [12]byte
	rand.Read(r[:])
	return fmt.Sprintf("<%s.%s@%s>", strconv.FormatInt(now.UnixNano(), 36), hex.EncodeToString(r[:]), domain)
}
