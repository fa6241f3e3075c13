package notify

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseAnswer(t *testing.T) {
	for _, tc := range []struct {
		typ    string
		status int
		body   string
		want   string // "" means success; else the error's text
	}{
		{TypeWebhook, 200, "", ""},
		{TypeWebhook, 204, "whatever", ""},
		{TypeWebhook, 500, "Cannot POST /hook/" + canaryToken, "server answered 500 Internal Server Error"},
		{TypeWebhook, 302, "", "server answered 302 Found (redirects are not followed; check the url)"},
		{TypeWebhook, 799, "", "server answered 799"},

		{TypeSlack, 200, "ok", ""},
		{TypeSlack, 200, "ok\n", ""},
		{TypeSlack, 200, "", `server answered 200 OK but not with "ok" (is this a Slack incoming webhook?)`},
		{TypeSlack, 200, "<html>" + canaryToken, `server answered 200 OK but not with "ok" (is this a Slack incoming webhook?)`},
		{TypeSlack, 403, "invalid_token", "server answered 403 Forbidden: invalid_token"},
		{TypeSlack, 404, "no_service", "server answered 404 Not Found: no_service"},
		{TypeSlack, 400, "Cannot POST /services/" + canaryToken, "server answered 400 Bad Request"},
		{TypeSlack, 500, "", "server answered 500 Internal Server Error"},

		{TypeFeishu, 200, `{"code":0,"data":{},"msg":"success"}`, ""},
		{TypeFeishu, 200, `{"Extra":null,"StatusCode":0,"StatusMessage":"success"}`, ""},
		{TypeFeishu, 200, `{"code":19021,"data":{},"msg":"sign match fail or timestamp is not within one hour from current time"}`,
			"bot refused the message: code 19021 (sign match fail or timestamp is not within one hour from current time)"},
		{TypeFeishu, 200, `{"StatusCode":9499,"StatusMessage":"Bad Request"}`, "bot refused the message: code 9499 (Bad Request)"},
		{TypeFeishu, 400, `{"code":9499,"msg":"Bad Request"}`, "server answered 400 Bad Request: code 9499 (Bad Request)"},
		{TypeFeishu, 200, `{"msg":"success"}`, "bot's answer has no result code (code or StatusCode)"},
		{TypeFeishu, 200, `{"errcode":0}`, "bot's answer has no result code (code or StatusCode)"},
		{TypeFeishu, 200, `ok`, "bot answered with something that is not its JSON answer"},
		{TypeFeishu, 502, `<html>bad gateway</html>`, "server answered 502 Bad Gateway"},

		{TypeDingTalk, 200, `{"errcode":0,"errmsg":"ok"}`, ""},
		{TypeDingTalk, 200, `{"errcode":310000,"errmsg":"keywords not in content"}`, "bot refused the message: errcode 310000 (keywords not in content)"},
		{TypeDingTalk, 200, `{"errcode":300001,"errmsg":"token is not exist"}`, "bot refused the message: errcode 300001 (token is not exist)"},
		{TypeDingTalk, 200, `{"errcode":310000,"errmsg":"bad\u0000\r\nline\u202e` + strings.Repeat("x", 300) + `"}`,
			"bot refused the message: errcode 310000 (bad line " + strings.Repeat("x", 191) + ")"},
		{TypeDingTalk, 200, `{"errcode":"0"}`, "bot answered with something that is not its JSON answer"},
		{TypeDingTalk, 200, `{"errcode":0.5}`, "bot answered with something that is not its JSON answer"},
		{TypeDingTalk, 200, `{}`, "bot's answer has no result code (errcode)"},
		{TypeDingTalk, 200, ``, "bot answered with an empty body, not JSON"},
		{TypeDingTalk, 200, `{"errcode":0`, "bot answered with something that is not its JSON answer"},
		{TypeDingTalk, 500, `{"errcode":-1,"errmsg":"system busy"}`, "server answered 500 Internal Server Error: errcode -1 (system busy)"},

		{TypeWeCom, 200, `{"errcode":0,"errmsg":"ok"}`, ""},
		{TypeWeCom, 200, `{"errcode":93000,"errmsg":"invalid webhook url, hint: [1700000000_1_abc]"}`,
			"bot refused the message: errcode 93000 (invalid webhook url, hint: [1700000000_1_abc])"},
		{TypeWeCom, 200, `{"errcode":40058,"errmsg":"markdown.content exceed max length 4096"}`,
			"bot refused the message: errcode 40058 (markdown.content exceed max length 4096)"},
		{TypeWeCom, 200, `[]`, "bot answered with something that is not its JSON answer"},

		{"teams", 200, ``, `unknown channel type "teams"`},
	} {
		err := parseAnswer(tc.typ, tc.status, []byte(tc.body))
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s %d %q: %v", tc.typ, tc.status, tc.body, err)
		case tc.want != "" && err == nil:
			t.Errorf("%s %d %q: success, want %q", tc.typ, tc.status, tc.body, tc.want)
		case tc.want != "" && err.Error() != tc.want:
			t.Errorf("%s %d %q:\n got %q\nwant %q", tc.typ, tc.status, tc.body, err, tc.want)
		}
	}
}

func FuzzParseAnswer(f *testing.F) {
	for _, typ := range []string{TypeWebhook, TypeSlack, TypeFeishu, TypeDingTalk, TypeWeCom} {
		f.Add(typ, 200, []byte(`{"errcode":0,"errmsg":"ok"}`))
		f.Add(typ, 200, []byte(`{"code":19021,"msg":"sign match fail"}`))
		f.Add(typ, 500, []byte(`{"StatusCode":1,"StatusMessage":"\u202ebad\nline"}`))
		f.Add(typ, 403, []byte("invalid_token"))
	}
	f.Fuzz(func(t *testing.T, typ string, status int, body []byte) {
		err := parseAnswer(typ, status, body)
		if err == nil {
			if status < 200 || status > 299 {
				t.Fatalf("%s: status %d is success", typ, status)
			}
			return
		}
		msg := err.Error()
		if !utf8.ValidString(msg) || strings.ContainsAny(msg, "\r\n\x00") {
			t.Fatalf("error is not one clean line: %q", msg)
		}
		if len(msg) > 400+len(typ) {
			t.Fatalf("error is %d bytes long: %q", len(msg), msg)
		}
		for _, r := range msg {
			if r == '\u202e' || r == '\u200b' {
				t.Fatalf("format character in %q", msg)
			}
		}
	})
}
