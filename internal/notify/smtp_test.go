package notify

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// smtpSession is what the fake SMTP server saw in one connection.
type smtpSession struct {
	TLS  bool   // the session was encrypted when it ended
	Auth string // the decoded AUTH PLAIN response
	// AuthTLS says whether the session was encrypted when AUTH came.
	AuthTLS bool
	From    string // the MAIL command's argument
	To      []string
	Data    string // the message, dot-unstuffed, with CRLF line ends
}

// fakeSMTP is a minimal SMTP server on a loopback port: EHLO, STARTTLS
// (when it has a certificate and is not implicit TLS), AUTH PLAIN, MAIL,
// RCPT, DATA, RSET, NOOP and QUIT.
type fakeSMTP struct {
	port       int
	tlsConf    *tls.Config // nil: no STARTTLS
	implicit   bool
	refuseAuth bool
	mute       bool // accept connections but never greet
	sessions   chan smtpSession
}

func startSMTP(t *testing.T, s *fakeSMTP) *fakeSMTP {
	t.Helper()
	var ln net.Listener
	var err error
	if s.implicit {
		ln, err = tls.Listen("tcp", "127.0.0.1:0", s.tlsConf)
	} else {
		ln, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		t.Fatal(err)
	}
	s.port = ln.Addr().(*net.TCPAddr).Port
	s.sessions = make(chan smtpSession, 10)
	done := make(chan struct{})
	t.Cleanup(func() { ln.Close(); close(done) })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			if s.mute {
				go func() { <-done; conn.Close() }()
				continue
			}
			go s.serve(conn)
		}
	}()
	return s
}

func (s *fakeSMTP) serve(conn net.Conn) {
	var sess smtpSession
	defer func() { conn.Close(); s.sessions <- sess }()
	sess.TLS = s.implicit
	conn.SetDeadline(time.Now().Add(time.Minute))
	r := bufio.NewReader(conn)
	reply := func(line string) { io.WriteString(conn, line+"\r\n") }
	reply("220 fake.example ESMTP")
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(strings.TrimRight(line, "\r\n"), " ")
		switch strings.ToUpper(verb) {
		case "EHLO", "HELO":
			ext := []string{"fake.example"}
			if s.tlsConf != nil && !sess.TLS {
				ext = append(ext, "STARTTLS")
			}
			ext = append(ext, "AUTH PLAIN", "8BITMIME")
			for i, e := range ext {
				sep := "-"
				if i == len(ext)-1 {
					sep = " "
				}
				reply("250" + sep + e)
			}
		case "STARTTLS":
			if s.tlsConf == nil || sess.TLS {
				reply("502 no")
				continue
			}
			reply("220 go ahead")
			tc := tls.Server(conn, s.tlsConf)
			if tc.Handshake() != nil {
				return
			}
			conn, r, sess.TLS = tc, bufio.NewReader(tc), true
		case "AUTH":
			mech, resp, _ := strings.Cut(arg, " ")
			dec, _ := base64.StdEncoding.DecodeString(resp)
			sess.Auth, sess.AuthTLS = string(dec), sess.TLS
			if mech != "PLAIN" || s.refuseAuth {
				reply("535 5.7.8 Authentication credentials invalid")
				continue
			}
			reply("235 2.7.0 Authentication successful")
		case "MAIL":
			sess.From = arg
			reply("250 2.1.0 ok")
		case "RCPT":
			sess.To = append(sess.To, arg)
			reply("250 2.1.5 ok")
		case "DATA":
			reply("354 end with <CRLF>.<CRLF>")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				if strings.HasPrefix(l, "..") {
					l = l[1:]
				}
				b.WriteString(l)
			}
			sess.Data = b.String()
			reply("250 2.0.0 queued")
		case "RSET", "NOOP":
			reply("250 ok")
		case "QUIT":
			reply("221 bye")
			return
		default:
			reply("502 5.5.2 unknown command")
		}
	}
}

func (s *fakeSMTP) session(t *testing.T) smtpSession {
	t.Helper()
	select {
	case sess := <-s.sessions:
		return sess
	case <-time.After(10 * time.Second):
		t.Fatal("the SMTP server saw no session")
	}
	return smtpSession{}
}

// smtpConfig is an smtp channel for the fake server.
func smtpConfig(s *fakeSMTP, mode string, auth bool) ChannelConfig {
	c := ChannelConfig{
		Name: "owner-mail", Type: TypeSMTP, Host: "127.0.0.1", Port: s.port, TLS: mode,
		From: "sellervault <reminders@example.com>",
		To:   []string{"owner@example.com", "Finance Team <finance@example.com>"},
	}
	if auth {
		c.Username, c.Password = "reminders@example.com", canaryPassword
	}
	return c
}

func buildOne(t *testing.T, c ChannelConfig, opts Options) Channel {
	t.Helper()
	chs, err := Build(Config{Channels: []ChannelConfig{c}}, opts)
	if err != nil {
		t.Fatal(err)
	}
	return chs[0]
}

// checkMail checks the e-mail the server received for m.
func checkMail(t *testing.T, sess smtpSession, m Message) {
	t.Helper()
	if sess.From != "FROM:<reminders@example.com> BODY=8BITMIME" && sess.From != "FROM:<reminders@example.com>" {
		t.Errorf("MAIL %q", sess.From)
	}
	if strings.Join(sess.To, ",") != "TO:<owner@example.com>,TO:<finance@example.com>" {
		t.Errorf("RCPT %q", sess.To)
	}
	assertNoCanary(t, "e-mail", sess.Data)
	if strings.Contains(sess.Data, base64.StdEncoding.EncodeToString([]byte(canaryPassword))) {
		t.Errorf("e-mail holds the base64 password")
	}
	for _, l := range strings.SplitAfter(sess.Data, "\n") {
		if l != "" && !strings.HasSuffix(l, "\r\n") || strings.Count(l, "\r") > 1 {
			t.Errorf("line without CRLF: %q", l)
		}
	}
	msg, err := mail.ReadMessage(strings.NewReader(sess.Data))
	if err != nil {
		t.Fatalf("not an e-mail: %v\n%s", err, sess.Data)
	}
	h := msg.Header
	if from, err := mail.ParseAddress(h.Get("From")); err != nil || from.Address != "reminders@example.com" || from.Name != "sellervault" {
		t.Errorf("From %q: %v", h.Get("From"), err)
	}
	to, err := h.AddressList("To")
	if err != nil || len(to) != 2 || to[0].Address != "owner@example.com" || to[1].Address != "finance@example.com" || to[1].Name != "Finance Team" {
		t.Errorf("To %q: %v", h.Get("To"), err)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(h.Get("Subject"))
	if err != nil || subject != m.Title() {
		t.Errorf("Subject %q (%q), want %q", h.Get("Subject"), subject, m.Title())
	}
	if date, err := h.Date(); err != nil || !date.Equal(testNow) {
		t.Errorf("Date %q: %v", h.Get("Date"), err)
	}
	if !regexp.MustCompile(`^<[0-9a-z]+\.[0-9a-f]{24}@example\.com>$`).MatchString(h.Get("Message-ID")) {
		t.Errorf("Message-ID %q", h.Get("Message-ID"))
	}
	for k, want := range map[string]string{
		"MIME-Version":              "1.0",
		"Content-Type":              "text/plain; charset=utf-8",
		"Content-Transfer-Encoding": "quoted-printable",
		"Auto-Submitted":            "auto-generated",
	} {
		if got := h.Get(k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
	body, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.ReplaceAll(string(body), "\r\n", "\n"); got != m.Text(0)+"\n" {
		t.Errorf("body\n%s\nwant\n%s", got, m.Text(0))
	}
}

func TestSMTPStartTLS(t *testing.T) {
	cert, pool := testCert(t)
	srv := startSMTP(t, &fakeSMTP{tlsConf: &tls.Config{Certificates: []tls.Certificate{cert}}})
	ch := buildOne(t, smtpConfig(srv, "", true), Options{RootCAs: pool, Now: func() time.Time { return testNow }})
	m := sampleMessage()
	m.Groups[0].Items[0].Record = ".hidden/record" // a line starting with a dot
	if err := ch.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	sess := srv.session(t)
	if !sess.TLS || !sess.AuthTLS {
		t.Errorf("not encrypted: TLS %v, AUTH inside TLS %v", sess.TLS, sess.AuthTLS)
	}
	if sess.Auth != "\x00reminders@example.com\x00"+canaryPassword {
		t.Errorf("AUTH PLAIN %q", sess.Auth)
	}
	checkMail(t, sess, m)
}

func TestSMTPImplicitTLS(t *testing.T) {
	cert, pool := testCert(t)
	srv := startSMTP(t, &fakeSMTP{implicit: true, tlsConf: &tls.Config{Certificates: []tls.Certificate{cert}}})
	ch := buildOne(t, smtpConfig(srv, TLSImplicit, true), Options{RootCAs: pool, Now: func() time.Time { return testNow }})
	m := sampleMessage()
	m.Team = "店铺团队" // a subject that needs encoding
	if err := ch.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	sess := srv.session(t)
	if !sess.AuthTLS || sess.Auth == "" {
		t.Errorf("AUTH %q, inside TLS %v", sess.Auth, sess.AuthTLS)
	}
	checkMail(t, sess, m)
}

func TestSMTPNoneOnLoopback(t *testing.T) {
	for _, auth := range []bool{false, true} {
		t.Run(fmt.Sprintf("auth=%v", auth), func(t *testing.T) {
			srv := startSMTP(t, &fakeSMTP{})
			ch := buildOne(t, smtpConfig(srv, TLSNone, auth), Options{Now: func() time.Time { return testNow }})
			if err := ch.Send(context.Background(), sampleMessage()); err != nil {
				t.Fatal(err)
			}
			sess := srv.session(t)
			if sess.TLS || (sess.Auth != "") != auth {
				t.Errorf("TLS %v, AUTH %q", sess.TLS, sess.Auth)
			}
			checkMail(t, sess, sampleMessage())
		})
	}
}

func TestSMTPFailures(t *testing.T) {
	cert, pool := testCert(t)
	tlsConf := &tls.Config{Certificates: []tls.Certificate{cert}}
	for _, tc := range []struct {
		name    string
		srv     *fakeSMTP
		mode    string
		timeout string
		noCAs   bool
		want    string
	}{
		{"no STARTTLS offered", &fakeSMTP{}, TLSStartTLS, "", false, "127.0.0.1:PORT does not offer STARTTLS; sellervault does not send mail or passwords unencrypted"},
		{"login refused", &fakeSMTP{tlsConf: tlsConf, refuseAuth: true}, TLSStartTLS, "", false, `the server refused the login of "reminders@example.com": 535 5.7.8 Authentication credentials invalid`},
		{"untrusted certificate", &fakeSMTP{tlsConf: tlsConf}, TLSStartTLS, "", true, "STARTTLS with 127.0.0.1:PORT failed: the server's TLS certificate is not trusted"},
		{"untrusted certificate, implicit", &fakeSMTP{tlsConf: tlsConf, implicit: true}, TLSImplicit, "", true, "cannot connect to 127.0.0.1:PORT: the server's TLS certificate is not trusted"},
		{"no greeting", &fakeSMTP{mute: true}, TLSStartTLS, "50ms", false, "timed out after 50ms"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := startSMTP(t, tc.srv)
			c := smtpConfig(srv, tc.mode, true)
			c.Timeout = tc.timeout
			opts := Options{RootCAs: pool}
			if tc.noCAs {
				opts.RootCAs = nil
			}
			err := buildOne(t, c, opts).Send(context.Background(), sampleMessage())
			if err == nil {
				t.Fatal("no error")
			}
			want := `channel "owner-mail" (smtp): ` + strings.ReplaceAll(tc.want, "PORT", strconv.Itoa(srv.port))
			if !strings.HasPrefix(err.Error(), want) {
				t.Errorf("got  %q\nwant %q", err, want)
			}
			assertNoCanary(t, "error", err.Error())
			if tc.timeout != "" && !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("timeout does not match context.DeadlineExceeded: %v", err)
			}
			if tc.name == "no STARTTLS offered" {
				if sess := srv.session(t); sess.Auth != "" || sess.From != "" {
					t.Errorf("sent without TLS: %+v", sess)
				}
			}
		})
	}
}
