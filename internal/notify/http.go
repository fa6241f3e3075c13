package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"
)

// maxAnswer is the most of an answer's body that is read.
const maxAnswer = 64 << 10

// Per-vendor limits of the message text, in bytes, with room for the
// JSON around it.
const (
	limitSlack    = 39000 // Slack cuts text after 40,000 characters
	limitFeishu   = 18000 // Feishu refuses request bodies over 20 KB
	limitDingTalk = 19000 // DingTalk's markdown text: about 20,000 bytes
	limitWeCom    = 4096  // WeCom's markdown content: 4096 bytes
)

// httpChannel is every channel that POSTs JSON to a webhook URL.
type httpChannel struct {
	base
	url    *url.URL
	secret string
	client *http.Client
	now    func() time.Time
}

// payload builds the request body and the URL to send it to.
func (c *httpChannel) payload(m Message) ([]byte, *url.URL, error) {
	switch c.typ {
	case TypeWebhook:
		return marshal(webhookPayload(m)), c.url, nil
	case TypeSlack:
		return marshal(map[string]string{"text": m.slackText(limitSlack)}), c.url, nil
	case TypeFeishu:
		return feishuPayload(m, c.secret, c.now()), c.url, nil
	case TypeDingTalk:
		return dingtalkPayload(m), dingtalkURL(c.url, c.secret, c.now()), nil
	case TypeWeCom:
		return wecomPayload(m), c.url, nil
	}
	return nil, nil, c.errorf(errOther, "unknown channel type")
}

// Send posts m to the webhook and checks the answer.
func (c *httpChannel) Send(parent context.Context, m Message) error {
	body, u, err := c.payload(m)
	if err != nil {
		return err
	}
	ctx, cancel := c.withTimeout(parent)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return c.errorf(errOther, "cannot build the request (check the url)")
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "sellervault")
	resp, err := c.client.Do(req)
	if err != nil {
		return c.transportError(parent, ctx, err)
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return c.transportError(parent, ctx, err)
	}
	if err := parseAnswer(c.typ, resp.StatusCode, answer); err != nil {
		return c.errorf(errOther, "%v", err)
	}
	return nil
}

// transportError describes a request that got no answer, from the kind of
// error only: Go's errors quote the request URL, which holds the token.
func (c *httpChannel) transportError(parent, ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return c.ctxError(parent)
	}
	var (
		dnsErr  *net.DNSError
		certErr *tls.CertificateVerificationError
		unknown x509.UnknownAuthorityError
		host    x509.HostnameError
		opErr   *net.OpError
		recErr  tls.RecordHeaderError
	)
	hostname := c.url.Hostname()
	switch {
	case errors.As(err, &dnsErr):
		return c.errorf(errOther, "cannot find the host %s (DNS: %s)", hostname, clean(dnsErr.Err))
	case errors.As(err, &unknown), errors.As(err, &host), errors.As(err, &certErr):
		return c.errorf(errOther, "the TLS certificate of %s is not trusted", hostname)
	case errors.As(err, &recErr):
		return c.errorf(errOther, "%s does not speak TLS (is the url http://?)", hostname)
	case errors.As(err, &opErr):
		what := "cannot connect to " + hostname
		if opErr.Op != "dial" {
			what = "the connection to " + hostname + " failed"
		}
		if opErr.Err != nil {
			what += ": " + clean(opErr.Err.Error())
		}
		return c.errorf(errOther, "%s", what)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return c.errorf(errOther, "%s closed the connection without an answer", hostname)
	}
	var ue *url.Error
	if errors.As(err, &ue) && ue.Timeout() {
		return c.ctxError(parent)
	}
	return c.errorf(errOther, "the request to %s failed", hostname)
}

// marshal encodes v as JSON without escaping <, > and & (chat tools show
// them as they are).
func marshal(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// The payloads are maps, slices and strings: they always encode.
		panic("notify: encoding a payload: " + err.Error())
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}
