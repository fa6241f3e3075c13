package notify

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/sellervault/sellervault/internal/inputerr"
)

const validConfig = `{
  "quiet_period": "20h",
  "channels": [
    {"name": "ops-hook", "type": "webhook", "url": "https://hooks.example.com/x?token=` + canaryToken + `"},
    {"name": "ops-slack", "type": "slack", "url": "https://hooks.slack.com/services/T000/B000/` + canaryToken + `", "timeout": "5s"},
    {"name": "ops-feishu", "type": "feishu", "url": "https://open.feishu.cn/open-apis/bot/v2/hook/` + canaryToken + `", "secret": "` + canarySecret + `"},
    {"name": "ops-ding", "type": "dingtalk", "url": "https://oapi.dingtalk.com/robot/send?access_token=` + canaryToken + `", "secret": "` + canarySecret + `"},
    {"name": "ops-wecom", "type": "wecom", "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=` + canaryToken + `"},
    {"name": "local-hook", "type": "webhook", "url": "http://127.0.0.1:8080/hook"},
    {"name": "owner-mail", "type": "smtp", "host": "smtp.example.com", "port": 587,
     "username": "reminders@example.com", "password": "` + canaryPassword + `",
     "from": "sellervault <reminders@example.com>", "to": ["owner@example.com", "Finance <finance@example.com>"]},
    {"name": "relay", "type": "smtp", "host": "localhost", "tls": "none", "from": "r@example.com", "to": ["o@example.com"]}
  ]
}`

func TestParseConfigValid(t *testing.T) {
	cfg, err := ParseConfig([]byte(validConfig))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.QuietPeriod != "20h" || len(cfg.Channels) != 8 {
		t.Fatalf("%+v", cfg)
	}
	if c := cfg.Channels[6]; c.Password != canaryPassword || len(c.To) != 2 || c.Port != 587 {
		t.Fatalf("smtp channel: %+v", c)
	}
	// Printing a config hides its secrets.
	for _, s := range []string{fmt.Sprint(cfg), fmt.Sprintf("%v", cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg.Channels[3]), cfg.Channels[2].String()} {
		assertNoCanary(t, "printed config", s)
		if !strings.Contains(s, "ops-") && !strings.Contains(s, "name") {
			t.Errorf("printed config says nothing: %s", s)
		}
	}
}

// configWith is a channels file with the one channel given (a JSON object).
func configWith(channel string) string {
	return `{"channels": [` + channel + `]}`
}

func TestParseConfigRefusals(t *testing.T) {
	const ok = `{"name": "a", "type": "slack", "url": "https://hooks.example.com/` + canaryToken + `"}`
	for _, tc := range []struct {
		name, in string
		want     string // in the error
	}{
		{"unknown field", configWith(`{"name": "a", "type": "slack", "url": "https://x.example/` + canaryToken + `", "urll": "x"}`), `unknown field "urll"`},
		{"unknown top-level field", `{"channels": [` + ok + `], "quiet": "1h"}`, `unknown field "quiet"`},
		{"duplicate name", `{"channels": [` + ok + `,` + ok + `]}`, `channels[1] ("a"): name is used by channels[0] too`},
		{"bad type", configWith(`{"name": "a", "type": "teams", "url": "https://x.example/` + canaryToken + `"}`), `channels[0] ("a"): type "teams" is unknown`},
		{"missing type", configWith(`{"name": "a", "url": "https://x.example/` + canaryToken + `"}`), `type is missing`},
		{"missing name", configWith(`{"type": "slack", "url": "https://x.example/` + canaryToken + `"}`), `channels[0]: name is missing`},
		{"bad name", configWith(`{"name": "Ops Slack", "type": "slack", "url": "https://x.example/` + canaryToken + `"}`), `channels[0]: name "Ops Slack": use 1 to 40 lower-case`},
		{"http to a remote host", configWith(`{"name": "a", "type": "slack", "url": "http://hooks.example.com/` + canaryToken + `"}`), `channels[0] ("a"): url must start with https://`},
		{"http to a loopback-looking name", configWith(`{"name": "a", "type": "webhook", "url": "http://127.0.0.1.evil.example/?t=` + canaryToken + `"}`), `url must start with https://`},
		{"ftp url", configWith(`{"name": "a", "type": "webhook", "url": "ftp://x.example/` + canaryToken + `"}`), `url must start with https://`},
		{"url without host", configWith(`{"name": "a", "type": "webhook", "url": "https:///` + canaryToken + `"}`), `url has no host`},
		{"url with a space", configWith(`{"name": "a", "type": "webhook", "url": "https://x.example/` + canaryToken + ` x"}`), `url has spaces or control characters`},
		{"bad url escape", configWith(`{"name": "a", "type": "webhook", "url": "https://x.example/%zz` + canaryToken + `"}`), `url is not a valid URL`},
		{"missing url", configWith(`{"name": "a", "type": "wecom"}`), `channels[0] ("a"): url is missing`},
		{"bad timeout", configWith(`{"name": "a", "type": "slack", "url": "https://x.example/` + canaryToken + `", "timeout": "10"}`), `timeout "10" is not a duration`},
		{"negative timeout", configWith(`{"name": "a", "type": "slack", "url": "https://x.example/` + canaryToken + `", "timeout": "-1s"}`), `timeout "-1s" must be more than zero`},
		{"secret on slack", configWith(`{"name": "a", "type": "slack", "url": "https://x.example/` + canaryToken + `", "secret": "` + canarySecret + `"}`), `secret is not used by slack channels`},
		{"secret with a newline", configWith(`{"name": "a", "type": "dingtalk", "url": "https://x.example/?access_token=` + canaryToken + `", "secret": "` + canarySecret + `\n"}`), `secret has spaces or control characters`},
		{"smtp fields on a webhook", configWith(`{"name": "a", "type": "webhook", "url": "https://x.example/` + canaryToken + `", "host": "smtp.example.com"}`), `host is only for smtp channels`},
		{"smtp without host", configWith(`{"name": "m", "type": "smtp", "from": "a@example.com", "to": ["b@example.com"]}`), `channels[0] ("m"): host is missing`},
		{"smtp without to", configWith(`{"name": "m", "type": "smtp", "host": "smtp.example.com", "from": "a@example.com"}`), `to is missing`},
		{"smtp without from", configWith(`{"name": "m", "type": "smtp", "host": "smtp.example.com", "to": ["b@example.com"]}`), `from is missing`},
		{"CR/LF in smtp from", configWith(`{"name": "m", "type": "smtp", "host": "smtp.example.com", "from": "a@example.com\r\nBcc: x@evil.example", "to": ["b@example.com"]}`), `from "a@example.com\r\nBcc: x@evil.example" has control characters`},
		{"LF in smtp to", configWith(`{"name": "m", "type": "smtp", "host": "smtp.example.com", "from": "a@example.com", "to": ["b@example.com\nBcc: x@evil.example"]}`), `to[0] "b@example.com\nBcc: x@evil.example" has control characters`},
		{"bad smtp to", configWith(`{"name": "m", "type": "smtp", "host": "smtp.example.com", "from": "a@example.com", "to": ["not an address"]}`), `to[0] "not an address" is not an e-mail address`},
		{"smtp tls none to a remote host", configWith(`{"name": "m", "type": "smtp", "host": "smtp.example.com", "tls": "none", "from": "a@example.com", "to": ["b@example.com"]}`), `tls "none" is allowed only for 127.0.0.1`},
		{"smtp unknown tls", configWith(`{"name": "m", "type": "smtp", "host": "smtp.example.com", "tls": "ssl", "from": "a@example.com", "to": ["b@example.com"]}`), `tls "ssl" is unknown`},
		{"smtp password without username", configWith(`{"name": "m", "type": "smtp", "host": "smtp.example.com", "password": "` + canaryPassword + `", "from": "a@example.com", "to": ["b@example.com"]}`), `password is set but username is not`},
		{"smtp url", configWith(`{"name": "m", "type": "smtp", "host": "smtp.example.com", "url": "https://x.example/` + canaryToken + `", "from": "a@example.com", "to": ["b@example.com"]}`), `url is not used by smtp channels`},
		{"smtp bad port", configWith(`{"name": "m", "type": "smtp", "host": "smtp.example.com", "port": 70000, "from": "a@example.com", "to": ["b@example.com"]}`), `port 70000 is not a port number`},
		{"smtp bad host", configWith(`{"name": "m", "type": "smtp", "host": "smtp example.com", "from": "a@example.com", "to": ["b@example.com"]}`), `host "smtp example.com" is not a host name`},
		{"no channels", `{"channels": []}`, `has no channels`},
		{"empty file", ``, `channels file is empty`},
		{"not JSON", "{\"channels\": [\n  {\"name\": \"a\", \"url\": \"https://x.example/" + canaryToken + "\" \"x\"}]}", `syntax error at line 2, column`},
		{"cut short", `{"channels": [{"name": "a", "url": "https://x.example/` + canaryToken, `it ends too early`},
		{"wrong JSON type", configWith(`{"name": "a", "type": "slack", "url": 12}`), `channels.url must be a string, not a JSON number`},
		{"a list, not an object", `[1]`, `must be a JSON object`},
		{"two objects", `{"channels": [` + ok + `]} {}`, `more after the JSON object`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseConfig([]byte(tc.in))
			if err == nil {
				t.Fatalf("no error")
			}
			if !errors.Is(err, inputerr.ErrInvalid) {
				t.Errorf("error does not match inputerr.ErrInvalid: %v", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q lacks %q", err, tc.want)
			}
			assertNoCanary(t, "error", err.Error())
		})
	}
}

// All problems are reported at once, one line each.
func TestParseConfigAllProblems(t *testing.T) {
	_, err := ParseConfig([]byte(`{"channels": [
		{"name": "a", "type": "slack"},
		{"name": "b", "type": "smtp", "host": "h.example"}]}`))
	if err == nil {
		t.Fatal("no error")
	}
	lines := strings.Split(err.Error(), "\n")
	want := []string{
		`channels[0] ("a"): url is missing; copy the webhook URL from the chat tool`,
		`channels[1] ("b"): from is missing; give the sender's address, like "sellervault <ops@example.com>"`,
		`channels[1] ("b"): to is missing; give a list of addresses, like ["owner@example.com"]`,
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", err, strings.Join(want, "\n"))
	}
}

func TestLoadConfig(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no permission bits on Windows")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "channels.json")
	if err := os.WriteFile(path, []byte(validConfig), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadConfig(path); err != nil {
		t.Fatalf("mode 600: %v", err)
	}
	for _, mode := range []os.FileMode{0o644, 0o604, 0o602, 0o601, 0o666} {
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		_, err := LoadConfig(path)
		if err == nil {
			t.Fatalf("mode %o: no error", mode)
		}
		if !strings.Contains(err.Error(), "chmod 600 "+path) || !errors.Is(err, inputerr.ErrInvalid) {
			t.Errorf("mode %o: %v", mode, err)
		}
		assertNoCanary(t, "error", err.Error())
	}
	if err := os.Chmod(path, 0o640); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadConfig(path); err != nil {
		t.Errorf("mode 640: %v", err)
	}
	if _, err := LoadConfig(filepath.Join(dir, "missing.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(configWith(`{"name": "a", "type": "slack", "url": "http://x.example/`+canaryToken+`"}`)), 0o600)
	if _, err := LoadConfig(bad); err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("bad file: %v", err)
	} else {
		assertNoCanary(t, "error", err.Error())
	}
}

func FuzzParseConfig(f *testing.F) {
	f.Add([]byte(validConfig))
	f.Add([]byte(configWith(`{"name": "m", "type": "smtp", "host": "smtp.example.com", "from": "a@example.com\r\nBcc: x", "to": ["b"]}`)))
	f.Add([]byte(configWith(`{"name": "a", "type": "dingtalk", "url": "http://x.example/%zz?access_token=SECRETSECRETSECRET", "secret": " SECRETSECRET"}`)))
	f.Add([]byte(`{"channels": [{"name": "a", "type": "slack", "url": "https://[::1`))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := ParseConfig(data)
		if err != nil {
			if !errors.Is(err, inputerr.ErrInvalid) {
				t.Fatalf("error does not match ErrInvalid: %v", err)
			}
			checkNoSecretValues(t, data, err.Error())
			return
		}
		// What parses builds.
		if _, err := Build(cfg, Options{}); err != nil {
			t.Fatalf("parsed but did not build: %v", err)
		}
		for _, c := range cfg.Channels {
			checkNoSecretValues(t, data, c.String())
		}
	})
}

// checkNoSecretValues fails when msg shows a url, secret or password of the
// channels file data that is long enough to be told apart from the rest of
// the file's words.
func checkNoSecretValues(t *testing.T, data []byte, msg string) {
	var loose struct {
		Channels []map[string]any `json:"channels"`
	}
	if json.Unmarshal(data, &loose) != nil {
		return
	}
	var public []string
	var secrets []string
	for _, c := range loose.Channels {
		for k, v := range c {
			public = append(public, k)
			s, ok := v.(string)
			if !ok {
				public = append(public, fmt.Sprint(v))
				continue
			}
			switch k {
			case "url", "secret", "password":
				secrets = append(secrets, s)
			default:
				public = append(public, s)
			}
		}
	}
	for _, s := range secrets {
		if len(s) < 12 || strings.Contains(strings.Join(public, "\x00"), s) {
			continue
		}
		if strings.Contains(msg, s) || strings.Contains(msg, fmt.Sprintf("%q", s)) || strings.Contains(msg, inputerr.Quote(s)) {
			t.Fatalf("message shows the secret value %q: %s", s, msg)
		}
	}
}
