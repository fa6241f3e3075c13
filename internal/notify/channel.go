package notify

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"
)

// Channel is one place reminders go to.
type Channel interface {
	Name() string
	Type() string
	// Send delivers m, within the channel's own timeout. Its error names
	// the channel and never holds the channel's URL, secret or password.
	Send(ctx context.Context, m Message) error
}

// Options are what Build needs besides the configuration.
type Options struct {
	// HTTPClient sends the webhook requests. nil: a client with its own
	// transport that honours HTTPS_PROXY, HTTP_PROXY and NO_PROXY
	// (http.ProxyFromEnvironment). Either way, redirects are not followed
	// and each channel's timeout is applied through the request's context.
	HTTPClient *http.Client
	// Now is the clock for DingTalk and Feishu signing timestamps and the
	// e-mail Date header; nil means time.Now.
	Now func() time.Time
	// RootCAs, if set, are the certificate authorities SMTP TLS trusts
	// instead of the system's (for tests).
	RootCAs *x509.CertPool
}

// Result is one channel's outcome.
type Result struct {
	Channel, Type string
	Err           error
}

// Build makes the channels of cfg, in the file's order. It checks cfg as
// ParseConfig does, so a Config built in code gets the same checks.
func Build(cfg Config, opts Options) ([]Channel, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	client := httpClient(opts.HTTPClient)
	channels := make([]Channel, 0, len(cfg.Channels))
	for _, c := range cfg.Channels {
		timeout, _ := parseTimeout(c.Timeout) // checked by validate
		base := base{name: c.Name, typ: c.Type, timeout: timeout, secrets: secretsOf(c)}
		switch c.Type {
		case TypeSMTP:
			channels = append(channels, newSMTP(base, c, opts))
		default:
			u, err := url.Parse(c.URL)
			if err != nil { // checked by validate
				return nil, base.errorf(errOther, "url is not a valid URL")
			}
			channels = append(channels, &httpChannel{base: base, url: u, secret: c.Secret, client: client, now: opts.Now})
		}
	}
	return channels, nil
}

// httpClient is the client webhooks are sent with: the caller's, or one
// honouring the proxy environment variables; either way one that does not
// follow redirects (a webhook that redirects is misconfigured, and a
// redirect would turn the POST into a GET that looks like success).
func httpClient(c *http.Client) *http.Client {
	var cl http.Client
	if c != nil {
		cl = *c
	} else {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.Proxy = http.ProxyFromEnvironment
		cl.Transport = t
	}
	cl.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &cl
}

// SendAll sends to the channels concurrently: each channel gets
// msgs[its name], within its own timeout, and one channel's failure never
// stops the others. A channel missing from msgs is skipped and has no
// Result. The results are in the order of channels.
func SendAll(ctx context.Context, channels []Channel, msgs map[string]Message) []Result {
	type job struct {
		ch  Channel
		msg Message
	}
	var jobs []job
	for _, ch := range channels {
		if m, ok := msgs[ch.Name()]; ok {
			jobs = append(jobs, job{ch, m})
		}
	}
	results := make([]Result, len(jobs))
	var wg sync.WaitGroup
	for i, j := range jobs {
		results[i] = Result{Channel: j.ch.Name(), Type: j.ch.Type()}
		wg.Go(func() {
			defer func() {
				// A panic's value could hold anything; it is not shown.
				if recover() != nil {
					results[i].Err = fmt.Errorf("channel %q (%s): sending failed unexpectedly (internal error)", j.ch.Name(), j.ch.Type())
				}
			}()
			results[i].Err = j.ch.Send(ctx, j.msg)
		})
	}
	wg.Wait()
	return results
}

// base is what every channel has.
type base struct {
	name, typ string
	timeout   time.Duration
	secrets   []string // strings no error may show
}

func (b base) Name() string { return b.name }
func (b base) Type() string { return b.typ }

// withTimeout bounds one send by the channel's timeout.
func (b base) withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, b.timeout)
}

// errKind says which sentinel a channel error matches.
type errKind int

const (
	errOther errKind = iota
	errTimeout
	errCanceled
)

// Error is a channel's failure: the channel's name and type and what went
// wrong, never its URL, secret or password. It matches
// context.DeadlineExceeded when the channel's timeout ran out and
// context.Canceled when the caller's context was cancelled.
type Error struct {
	Channel, Type string
	Detail        string
	kind          errKind
}

func (e *Error) Error() string {
	return fmt.Sprintf("channel %q (%s): %s", e.Channel, e.Type, e.Detail)
}

// Unwrap gives only a sentinel, never the underlying error, which may hold
// the URL.
func (e *Error) Unwrap() error {
	switch e.kind {
	case errTimeout:
		return context.DeadlineExceeded
	case errCanceled:
		return context.Canceled
	}
	return nil
}

// errorf builds the channel's error; the detail is scrubbed of the
// channel's secrets whatever it came from.
func (b base) errorf(kind errKind, format string, args ...any) *Error {
	return &Error{Channel: b.name, Type: b.typ, Detail: scrub(fmt.Sprintf(format, args...), b.secrets), kind: kind}
}

// ctxError describes a send that ended with its context: the channel's
// timeout, or the caller's context.
func (b base) ctxError(parent context.Context) *Error {
	if err := parent.Err(); err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return b.errorf(errTimeout, "the run's deadline passed before the channel answered")
		}
		return b.errorf(errCanceled, "canceled")
	}
	return b.errorf(errTimeout, "timed out after %v", b.timeout)
}

// secretsOf lists the parts of a channel's configuration that no message
// may show: the URL, its path segments and query values that look like
// tokens, its user information, the secret and the password.
func secretsOf(c ChannelConfig) []string {
	var s []string
	add := func(v string, min int) {
		if len(v) >= min {
			s = append(s, v)
			if e := url.QueryEscape(v); e != v {
				s = append(s, e)
			}
		}
	}
	add(c.Secret, 1)
	add(c.Password, 1)
	if c.URL != "" {
		add(c.URL, 1)
		if u, err := url.Parse(c.URL); err == nil {
			add(u.String(), 1)
			add(u.RawQuery, 1)
			add(u.RawPath, 1)
			add(u.EscapedPath(), 8)
			if p, ok := u.User.Password(); ok {
				add(p, 1)
			}
			for _, seg := range strings.Split(u.Path, "/") {
				add(seg, 16)
			}
			for _, vs := range u.Query() {
				for _, v := range vs {
					add(v, 8)
				}
			}
		}
	}
	// Longest first, so a secret inside another goes with it.
	sort.Slice(s, func(i, j int) bool { return len(s[i]) > len(s[j]) })
	return s
}

// scrub replaces every secret in s with "[redacted]". It is the last
// guard: messages are built not to hold them in the first place.
func scrub(s string, secrets []string) string {
	for _, v := range secrets {
		if v != "" && strings.Contains(s, v) {
			s = strings.ReplaceAll(s, v, "[redacted]")
		}
	}
	return s
}
