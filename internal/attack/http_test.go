package attack

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// rawClient speaks Vault's HTTP API with nothing but net/http, the way an
// attacker with curl does: the path is sent byte for byte as given (no
// cleaning, no re-encoding), and redirects are followed by hand with the
// same method, body and token (worse for us than curl -L).
type rawClient struct {
	host string // 127.0.0.1:port
	hc   *http.Client
}

func newRawClient(addr, caFile string) (*rawClient, error) {
	u, err := url.Parse(addr)
	if err != nil {
		return nil, err
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("no certificate in %s", caFile)
	}
	tr := &http.Transport{
		TLSClientConfig:     &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12},
		MaxIdleConns:        64,
		MaxIdleConnsPerHost: 64,
		IdleConnTimeout:     time.Minute,
	}
	return &rawClient{host: u.Host, hc: &http.Client{
		Transport:     tr,
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}, nil
}

// request is one raw API call. Path is everything after /v1/, already
// encoded as it must travel, with an optional ?query.
type request struct {
	Method      string
	Path        string
	Body        []byte
	ContentType string
	WrapTTL     string // X-Vault-Wrap-TTL, "" for none
}

// reply is Vault's answer, after any redirects.
type reply struct {
	Status int
	Body   []byte
	Hops   []string // redirect targets followed
}

func (r reply) String() string {
	b := string(r.Body)
	if len(b) > 300 {
		b = b[:300] + "…"
	}
	hops := ""
	if len(r.Hops) > 0 {
		hops = " after redirects to " + strings.Join(r.Hops, ", ")
	}
	return fmt.Sprintf("%d%s %s", r.Status, hops, strings.TrimSpace(b))
}

func (c *rawClient) do(token string, req request) (reply, error) {
	path, query, _ := strings.Cut(req.Path, "?")
	var rep reply
	for hop := 0; ; hop++ {
		var body io.Reader
		if req.Body != nil {
			body = bytes.NewReader(req.Body)
		}
		hr, err := http.NewRequest(req.Method, "https://"+c.host+"/", body)
		if err != nil {
			return rep, err
		}
		// Opaque is sent as the request target verbatim: the dot-segments
		// and percent-encodings reach Vault exactly as written.
		hr.URL.Opaque = "/v1/" + path
		hr.URL.RawQuery = query
		if token != "" {
			hr.Header.Set("X-Vault-Token", token)
		}
		if req.Body != nil {
			ct := req.ContentType
			if ct == "" {
				ct = "application/json"
			}
			hr.Header.Set("Content-Type", ct)
		}
		if req.WrapTTL != "" {
			hr.Header.Set("X-Vault-Wrap-TTL", req.WrapTTL)
		}
		resp, err := c.hc.Do(hr)
		if err != nil {
			return rep, fmt.Errorf("%s /v1/%s: %w", req.Method, req.Path, err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return rep, err
		}
		rep.Status, rep.Body = resp.StatusCode, b
		loc := resp.Header.Get("Location")
		if resp.StatusCode >= 300 && resp.StatusCode < 400 && loc != "" && hop < 3 {
			u, err := url.Parse(loc)
			if err != nil || !strings.HasPrefix(u.EscapedPath(), "/v1/") {
				return rep, nil
			}
			rep.Hops = append(rep.Hops, u.EscapedPath())
			path, query = strings.TrimPrefix(u.EscapedPath(), "/v1/"), u.RawQuery
			continue
		}
		return rep, nil
	}
}

// call is do for requests that must work (seeding, snapshots): any
// transport error or a status outside ok fails.
func (c *rawClient) call(token, method, path string, body interface{}, ok ...int) (map[string]interface{}, error) {
	var b []byte
	if body != nil {
		var err error
		if b, err = json.Marshal(body); err != nil {
			return nil, err
		}
	}
	rep, err := c.do(token, request{Method: method, Path: path, Body: b})
	if err != nil {
		return nil, err
	}
	if len(ok) == 0 {
		ok = []int{200, 204}
	}
	good := false
	for _, s := range ok {
		good = good || rep.Status == s
	}
	if !good {
		return nil, fmt.Errorf("%s %s: %s", method, path, rep)
	}
	out := map[string]interface{}{"_status": float64(rep.Status)}
	if len(bytes.TrimSpace(rep.Body)) > 0 {
		if err := json.Unmarshal(rep.Body, &out); err != nil {
			return nil, fmt.Errorf("%s %s: %w", method, path, err)
		}
		out["_status"] = float64(rep.Status)
	}
	return out, nil
}

func jsonBody(v interface{}) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// obj and friends read decoded JSON without ceremony.
func obj(m map[string]interface{}, key string) map[string]interface{} {
	v, _ := m[key].(map[string]interface{})
	return v
}

func str(m map[string]interface{}, key string) string {
	v, _ := m[key].(string)
	return v
}

func strList(m map[string]interface{}, key string) []string {
	raw, _ := m[key].([]interface{})
	out := make([]string, 0, len(raw))
	for _, v := range raw {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
