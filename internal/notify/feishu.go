package notify

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"time"
)

// feishuPayload is a Feishu (Lark) custom bot's text message. With a
// signing secret, it carries the timestamp (Unix seconds) and its
// signature, which Feishu accepts within an hour of its own clock.
func feishuPayload(m Message, secret string, now time.Time) []byte {
	p := map[string]any{
		"msg_type": "text",
		"content":  map[string]string{"text": m.Text(limitFeishu)},
	}
	if secret != "" {
		ts := strconv.FormatInt(now.Unix(), 10)
		p["timestamp"] = ts
		p["sign"] = feishuSign(ts, secret)
	}
	return marshal(p)
}

// feishuSign is Feishu's signature: base64 of HMAC-SHA256 keyed with
// timestamp + "\n" + secret, over nothing.
func feishuSign(timestamp, secret string) string {
	mac := hmac.New(sha256.New, []byte(timestamp+"\n"+secret))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}
