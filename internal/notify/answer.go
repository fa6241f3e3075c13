package notify

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sellervault/sellervault/internal/inputerr"
)

// maxAnswerText is the most bytes of a bot's own message that an error
// shows.
const maxAnswerText = 200

// parseAnswer reads a webhook's answer: the HTTP status and (at most
// maxAnswer bytes of) the body. It returns nil when the answer says the
// message was accepted, and otherwise an error whose text is built only
// from the status, the vendor's error code and its message (cut to 200
// bytes, without control characters): never from the request.
//
//	webhook   any 2xx status
//	slack     200 and the body "ok"
//	feishu    2xx and JSON {"code":0} (older answers: {"StatusCode":0})
//	dingtalk  2xx and JSON {"errcode":0}
//	wecom     2xx and JSON {"errcode":0}
func parseAnswer(typ string, status int, body []byte) error {
	ok2xx := status >= 200 && status <= 299
	switch typ {
	case TypeWebhook:
		if !ok2xx {
			return statusError(status, "")
		}
		return nil
	case TypeSlack:
		text := string(bytes.TrimSpace(body))
		if status == http.StatusOK && text == "ok" {
			return nil
		}
		if !slackCode(text) {
			text = ""
		}
		if ok2xx {
			if text != "" {
				return fmt.Errorf("slack refused the message: %s", text)
			}
			return fmt.Errorf("server answered %s but not with \"ok\" (is this a Slack incoming webhook?)", statusText(status))
		}
		return statusError(status, text)
	case TypeFeishu, TypeDingTalk, TypeWeCom:
		code, msg, err := vendorCode(typ, body)
		switch {
		case !ok2xx && err == nil:
			return statusError(status, fmt.Sprintf("%s %d%s", codeName(typ), code, msgSuffix(msg)))
		case !ok2xx:
			return statusError(status, "")
		case err != nil:
			return err
		case code != 0:
			return fmt.Errorf("bot refused the message: %s %d%s", codeName(typ), code, msgSuffix(msg))
		}
		return nil
	}
	return fmt.Errorf("unknown channel type %s", inputerr.Quote(typ))
}

// vendorAnswer is the JSON answer of Feishu, DingTalk and WeCom bots.
type vendorAnswer struct {
	Code          *int64 `json:"code"`
	Msg           string `json:"msg"`
	StatusCode    *int64 `json:"StatusCode"`
	StatusMessage string `json:"StatusMessage"`
	Errcode       *int64 `json:"errcode"`
	Errmsg        string `json:"errmsg"`
}

// vendorCode finds the vendor's result code and message in an answer.
func vendorCode(typ string, body []byte) (int64, string, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return 0, "", errors.New("bot answered with an empty body, not JSON")
	}
	var a vendorAnswer
	if err := json.Unmarshal(body, &a); err != nil {
		return 0, "", errors.New("bot answered with something that is not its JSON answer")
	}
	switch typ {
	case TypeFeishu:
		if a.Code != nil {
			return *a.Code, a.Msg, nil
		}
		if a.StatusCode != nil {
			return *a.StatusCode, a.StatusMessage, nil
		}
		return 0, "", errors.New("bot's answer has no result code (code or StatusCode)")
	default:
		if a.Errcode != nil {
			return *a.Errcode, a.Errmsg, nil
		}
		return 0, "", errors.New("bot's answer has no result code (errcode)")
	}
}

func codeName(typ string) string {
	if typ == TypeFeishu {
		return "code"
	}
	return "errcode"
}

func msgSuffix(msg string) string {
	if msg = cleanAnswer(msg); msg != "" {
		return " (" + msg + ")"
	}
	return ""
}

// statusError is a non-success HTTP status, with what the answer said.
func statusError(status int, detail string) error {
	s := "server answered " + statusText(status)
	if status >= 300 && status <= 399 {
		s += " (redirects are not followed; check the url)"
	}
	if detail != "" {
		s += ": " + detail
	}
	return errors.New(s)
}

func statusText(status int) string {
	if t := http.StatusText(status); t != "" {
		return strconv.Itoa(status) + " " + t
	}
	return strconv.Itoa(status)
}

// slackCode reports whether a Slack answer looks like one of its error
// codes ("invalid_token", "channel_not_found"): only such bodies are
// shown, as any other may echo the request.
func slackCode(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// cleanAnswer makes a bot's message fit for an error: valid UTF-8, without
// control or format characters, spaces collapsed, at most maxAnswerText
// bytes.
func cleanAnswer(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToValidUTF8(s, "") {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			if b.Len()+1 > maxAnswerText {
				break
			}
			b.WriteByte(' ')
			space = false
		}
		if b.Len()+utf8.RuneLen(r) > maxAnswerText {
			break
		}
		b.WriteRune(r)
	}
	return b.String()
}
