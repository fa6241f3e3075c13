package notify

import (
	"context"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/url"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Go's transport errors quote the URL; what a channel reports never does.
func TestTransportErrorsNeverShowURL(t *testing.T) {
	const hook = "https://hooks.example.com/services/T0/B0/" + canaryToken + "?access_token=" + canaryToken
	chs, err := Build(Config{Channels: []ChannelConfig{{Name: "ops", Type: TypeDingTalk, URL: hook, Secret: canarySecret}}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ch := chs[0].(*httpChannel)
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&net.DNSError{Err: "no such host", Name: "hooks.example.com", IsNotFound: true}, "cannot find the host hooks.example.com (DNS: no such host)"},
		{x509.UnknownAuthorityError{}, "the TLS certificate of hooks.example.com is not trusted"},
		{&net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}, "cannot connect to hooks.example.com: connect: connection refused"},
		{&net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)}, "the connection to hooks.example.com failed: read: connection reset by peer"},
		{io.ErrUnexpectedEOF, "hooks.example.com closed the connection without an answer"},
		{errors.New("something odd about " + hook + " and " + canarySecret), "the request to hooks.example.com failed"},
		{&net.OpError{Op: "proxyconnect", Net: "tcp", Err: errors.New("odd " + hook)}, "the connection to hooks.example.com failed: odd [redacted]"},
	} {
		wrapped := &url.Error{Op: "Post", URL: hook, Err: tc.err}
		err := ch.transportError(context.Background(), context.Background(), wrapped)
		want := `channel "ops" (dingtalk): ` + tc.want
		if err.Error() != want {
			t.Errorf("%v:\n got %q\nwant %q", tc.err, err, want)
		}
		assertNoCanary(t, "error", err.Error())
	}
}

func TestScrub(t *testing.T) {
	c := ChannelConfig{Name: "m", Type: TypeSMTP, Password: canaryPassword,
		URL: "https://u:" + canarySecret + "@x.example/a/" + canaryToken + "?k=" + canaryToken}
	b := base{name: "m", typ: TypeSMTP, secrets: secretsOf(c)}
	err := b.errorf(errOther, "server said %s, %s, %s and %s", c.URL, canaryPassword, "/a/"+canaryToken, url.QueryEscape(c.URL))
	assertNoCanary(t, "error", err.Error())
	if !strings.Contains(err.Error(), "server said [redacted]") {
		t.Errorf("got %q", err)
	}
	if errors.Unwrap(err) != nil {
		t.Errorf("a plain failure unwraps to %v", errors.Unwrap(err))
	}
}

func TestRunDeadline(t *testing.T) {
	silent := newBlockingBot(t)
	ch := buildOne(t, ChannelConfig{Name: "silent", Type: TypeSlack, URL: silent.hookURL("t")}, Options{})
	ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	err := ch.Send(ctx, sampleMessage())
	if !errors.Is(err, context.DeadlineExceeded) || err.Error() != `channel "silent" (slack): the run's deadline passed before the channel answered` {
		t.Errorf("got %v", err)
	}
}

// panicky is a Channel whose Send panics with a secret.
type panicky struct{}

func (panicky) Name() string { return "boom" }
func (panicky) Type() string { return "fake" }
func (panicky) Send(context.Context, Message) error {
	panic("https://hooks.example.com/" + canaryToken)
}

// fine is a Channel that works.
type fine struct{ name string }

func (f fine) Name() string                      { return f.name }
func (fine) Type() string                        { return "fake" }
func (fine) Send(context.Context, Message) error { return nil }

func TestSendAllSurvivesAPanic(t *testing.T) {
	got := SendAll(context.Background(), []Channel{fine{"a"}, panicky{}, fine{"b"}, fine{"c"}},
		map[string]Message{"a": {}, "boom": {}, "c": {}})
	if len(got) != 3 || got[0].Channel != "a" || got[1].Channel != "boom" || got[2].Channel != "c" {
		t.Fatalf("%+v", got)
	}
	if got[0].Err != nil || got[2].Err != nil || got[1].Err == nil {
		t.Fatalf("%+v", got)
	}
	if got[1].Err.Error() != `channel "boom" (fake): sending failed unexpectedly (internal error)` {
		t.Errorf("got %v", got[1].Err)
	}
	if res := SendAll(context.Background(), nil, nil); len(res) != 0 {
		t.Errorf("%+v", res)
	}
}
