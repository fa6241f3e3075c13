package notify

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"io"
	"log"
	"mime"
	"mime/quotedprintable"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// request is what a fake bot received.
type request struct {
	Method, ContentType, Path string
	Query                     url.Values
	Body                      []byte
}

// fakeBot is a webhook endpoint on a loopback port that records requests
// and answers with a fixed status and body, or never answers (block).
type fakeBot struct {
	*httptest.Server
	status int
	answer string
	block  bool
	mu     sync.Mutex
	reqs   []request
}

func newBot(t *testing.T, status int, answer string) *fakeBot {
	b := &fakeBot{status: status, answer: answer}
	b.Server = httptest.NewServer(b)
	t.Cleanup(b.Close)
	return b
}

// newBlockingBot never answers: its handler waits until the request's
// context ends (the client gave up).
func newBlockingBot(t *testing.T) *fakeBot {
	b := &fakeBot{block: true}
	b.Server = httptest.NewServer(b)
	t.Cleanup(b.Close)
	return b
}

func (b *fakeBot) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body) // read to the end, so that a closed connection cancels r.Context()
	b.mu.Lock()
	b.reqs = append(b.reqs, request{r.Method, r.Header.Get("Content-Type"), r.URL.Path, r.URL.Query(), body})
	b.mu.Unlock()
	if b.block {
		<-r.Context().Done()
		return
	}
	w.WriteHeader(b.status)
	io.WriteString(w, b.answer)
}

// only returns the one request the bot received.
func (b *fakeBot) only(t *testing.T) request {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(b.reqs))
	}
	return b.reqs[0]
}

// hookURL is the bot's URL with a token in its path and query, as the
// vendors' webhook URLs have.
func (b *fakeBot) hookURL(query string) string {
	return b.URL + "/hook/" + canaryToken + "?" + query + "=" + canaryToken
}

func fixedNow() time.Time { return testNow }

// decodeObject decodes a JSON object and checks that it has exactly the
// keys given.
func decodeObject(t *testing.T, what string, data []byte, keys ...string) map[string]json.RawMessage {
	t.Helper()
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(data, &obj); err != nil {
		t.Fatalf("%s is not a JSON object: %v\n%s", what, err, data)
	}
	var got []string
	for k := range obj {
		got = append(got, k)
	}
	sort.Strings(got)
	sort.Strings(keys)
	if !slices.Equal(got, keys) {
		t.Fatalf("%s has the keys %q, want %q", what, got, keys)
	}
	return obj
}

func decodeString(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatalf("%s is not a string", raw)
	}
	return s
}

func checkJSONPost(t *testing.T, r request) {
	t.Helper()
	if r.Method != http.MethodPost {
		t.Errorf("method %s", r.Method)
	}
	if mt, _, err := mime.ParseMediaType(r.ContentType); err != nil || mt != "application/json" {
		t.Errorf("Content-Type %q", r.ContentType)
	}
	if r.Path != "/hook/"+canaryToken {
		t.Errorf("path %q", r.Path)
	}
}

func checkRecords(t *testing.T, what, s string) {
	t.Helper()
	for _, rec := range []string{"acme-us/seller-central", "ops-us@acme.example", "acme-de", "+14155550100", "acme-uk/ebay"} {
		if !strings.Contains(s, rec) {
			t.Errorf("%s lacks the record %s:\n%s", what, rec, s)
		}
	}
}

// What SendAll gets back from a mix of working and failing channels.
func TestSendAll(t *testing.T) {
	slack := newBot(t, http.StatusOK, "ok")
	broken := newBot(t, http.StatusInternalServerError, "Cannot POST /hook/"+canaryToken)
	refusing := newBot(t, http.StatusOK, `{"errcode":310000,"errmsg":"keywords not in content"}`)
	silent := newBlockingBot(t)
	feishu := newBot(t, http.StatusOK, `{"StatusCode":0,"StatusMessage":"success"}`)
	gone := newBot(t, http.StatusOK, "")
	gone.Close() // connection refused
	skipped := newBot(t, http.StatusOK, "ok")

	cfg := Config{Channels: []ChannelConfig{
		{Name: "ops-slack", Type: TypeSlack, URL: slack.hookURL("t")},
		{Name: "broken", Type: TypeWebhook, URL: broken.hookURL("token")},
		{Name: "refusing", Type: TypeDingTalk, URL: refusing.hookURL("access_token"), Secret: canarySecret},
		{Name: "silent", Type: TypeWeCom, URL: silent.hookURL("key"), Timeout: "50ms"},
		{Name: "skipped", Type: TypeSlack, URL: skipped.hookURL("t")},
		{Name: "ops-feishu", Type: TypeFeishu, URL: feishu.hookURL("t"), Secret: canarySecret},
		{Name: "gone", Type: TypeWebhook, URL: gone.hookURL("t")},
	}}
	channels, err := Build(cfg, Options{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	msgs := map[string]Message{}
	for _, c := range cfg.Channels {
		if c.Name != "skipped" {
			msgs[c.Name] = sampleMessage()
		}
	}
	results := SendAll(context.Background(), channels, msgs)

	want := []struct{ channel, typ, err string }{
		{"ops-slack", TypeSlack, ""},
		{"broken", TypeWebhook, `channel "broken" (webhook): server answered 500 Internal Server Error`},
		{"refusing", TypeDingTalk, `channel "refusing" (dingtalk): bot refused the message: errcode 310000 (keywords not in content)`},
		{"silent", TypeWeCom, `channel "silent" (wecom): timed out after 50ms`},
		{"ops-feishu", TypeFeishu, ""},
		{"gone", TypeWebhook, `channel "gone" (webhook): cannot connect to 127.0.0.1: connect: connection refused`},
	}
	if len(results) != len(want) {
		t.Fatalf("%d results, want %d: %+v", len(results), len(want), results)
	}
	for i, w := range want {
		r := results[i]
		if r.Channel != w.channel || r.Type != w.typ {
			t.Errorf("result %d is %s (%s), want %s (%s)", i, r.Channel, r.Type, w.channel, w.typ)
		}
		switch {
		case w.err == "" && r.Err != nil:
			t.Errorf("%s: %v", w.channel, r.Err)
		case w.err != "" && r.Err == nil:
			t.Errorf("%s: no error", w.channel)
		case w.err != "" && r.Err.Error() != w.err:
			t.Errorf("%s:\n got %q\nwant %q", w.channel, r.Err, w.err)
		}
		if r.Err != nil {
			assertNoCanary(t, "error", r.Err.Error())
			if strings.Contains(r.Err.Error(), "http://") || strings.Contains(r.Err.Error(), "/hook/") {
				t.Errorf("error shows the URL: %v", r.Err)
			}
			var e *Error
			if !errors.As(r.Err, &e) || e.Channel != w.channel {
				t.Errorf("%s: error is not an *Error for the channel: %#v", w.channel, r.Err)
			}
		}
	}
	if !errors.Is(results[3].Err, context.DeadlineExceeded) {
		t.Errorf("the timeout does not match context.DeadlineExceeded")
	}
	if len(skipped.reqs) != 0 { // all sends are over
		t.Errorf("the channel without a message was sent to")
	}
}

func TestSendCanceled(t *testing.T) {
	silent := newBlockingBot(t)
	ch := buildOne(t, ChannelConfig{Name: "silent", Type: TypeSlack, URL: silent.hookURL("t")}, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := ch.Send(ctx, sampleMessage())
	if !errors.Is(err, context.Canceled) || err.Error() != `channel "silent" (slack): canceled` {
		t.Errorf("got %v", err)
	}
}

func TestRedirectNotFollowed(t *testing.T) {
	target := newBot(t, http.StatusOK, "ok")
	redirect := httptest.NewServer(http.RedirectHandler(target.URL+"/elsewhere", http.StatusFound))
	t.Cleanup(redirect.Close)
	ch := buildOne(t, ChannelConfig{Name: "moved", Type: TypeSlack, URL: redirect.URL + "/hook/" + canaryToken}, Options{})
	err := ch.Send(context.Background(), sampleMessage())
	if err == nil || err.Error() != `channel "moved" (slack): server answered 302 Found (redirects are not followed; check the url)` {
		t.Errorf("got %v", err)
	}
	if len(target.reqs) != 0 {
		t.Errorf("the redirect was followed")
	}
}

func TestHTTPS(t *testing.T) {
	bodies := make(chan []byte, 1)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, _ := io.ReadAll(r.Body)
		bodies <- got
		io.WriteString(w, `{"errcode":0}`)
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake
	srv.StartTLS()
	t.Cleanup(srv.Close)
	c := ChannelConfig{Name: "ops-wecom", Type: TypeWeCom, URL: srv.URL + "/send?key=" + canaryToken}

	// The caller's client, which trusts the test server.
	if err := buildOne(t, c, Options{HTTPClient: srv.Client()}).Send(context.Background(), sampleMessage()); err != nil {
		t.Fatal(err)
	}
	if got := <-bodies; !strings.Contains(string(got), "acme-us/seller-central") {
		t.Errorf("body %s", got)
	}
	if srv.Client().CheckRedirect != nil {
		t.Errorf("Build changed the caller's client")
	}

	// The default client does not trust it.
	err := buildOne(t, c, Options{}).Send(context.Background(), sampleMessage())
	if err == nil || err.Error() != `channel "ops-wecom" (wecom): the TLS certificate of 127.0.0.1 is not trusted` {
		t.Errorf("got %v", err)
	}
}

func TestDefaultClient(t *testing.T) {
	tr, ok := httpClient(nil).Transport.(*http.Transport)
	if !ok || tr.Proxy == nil {
		t.Fatal("the default client does not honour the proxy variables")
	}
	req, _ := http.NewRequest(http.MethodPost, "https://hooks.example.com/x", nil)
	t.Setenv("HTTPS_PROXY", "http://proxy.example:3128")
	// http.ProxyFromEnvironment reads the environment once per process,
	// so only check that the function is the environment's.
	if _, err := tr.Proxy(req); err != nil {
		t.Fatal(err)
	}
}

// Whatever the channel, what it sends holds the message's records and none
// of the configuration's secrets.
func TestCanaries(t *testing.T) {
	cert, pool := testCert(t)
	mailSrv := startSMTP(t, &fakeSMTP{tlsConf: &tls.Config{Certificates: []tls.Certificate{cert}}})
	var bots []*fakeBot
	var cfg Config
	for _, typ := range []string{TypeWebhook, TypeSlack, TypeFeishu, TypeDingTalk, TypeWeCom} {
		answer := `{"errcode":0,"code":0}`
		if typ == TypeSlack {
			answer = "ok"
		}
		bot := newBot(t, http.StatusOK, answer)
		bots = append(bots, bot)
		c := ChannelConfig{Name: typ, Type: typ, URL: bot.hookURL("access_token")}
		if typ == TypeFeishu || typ == TypeDingTalk {
			c.Secret = canarySecret
		}
		cfg.Channels = append(cfg.Channels, c)
	}
	cfg.Channels = append(cfg.Channels, smtpConfig(mailSrv, TLSStartTLS, true))
	channels, err := Build(cfg, Options{Now: fixedNow, RootCAs: pool})
	if err != nil {
		t.Fatal(err)
	}
	msgs := map[string]Message{}
	for _, c := range channels {
		msgs[c.Name()] = sampleMessage()
	}
	for _, r := range SendAll(context.Background(), channels, msgs) {
		if r.Err != nil {
			t.Errorf("%s: %v", r.Channel, r.Err)
		}
	}
	for i, bot := range bots {
		var body any
		r := bot.only(t)
		json.Unmarshal(r.Body, &body)
		decoded, _ := json.Marshal(body) // with JSON escapes undone
		for _, s := range []string{string(r.Body), string(decoded)} {
			assertNoCanary(t, cfg.Channels[i].Type+" payload", s)
		}
		checkRecords(t, cfg.Channels[i].Type+" payload", string(r.Body))
	}
	sess := mailSrv.session(t)
	msg, err := mail.ReadMessage(strings.NewReader(sess.Data))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(quotedprintable.NewReader(msg.Body))
	assertNoCanary(t, "e-mail", sess.Data)
	assertNoCanary(t, "e-mail body", string(body))
	checkRecords(t, "e-mail body", string(body))
}
