package notify

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/url"
	"strconv"
	"time"
)

// dingtalkPayload is a DingTalk custom robot's markdown message. The title
// is what the notification shows; it holds "sellervault", which is the
// keyword to set when the robot's security setting is "custom keywords".
func dingtalkPayload(m Message) []byte {
	return marshal(map[string]any{
		"msgtype": "markdown",
		"markdown": map[string]string{
			"title": m.Title(),
			"text":  m.Markdown(limitDingTalk),
		},
	})
}

// dingtalkURL is the URL to post to: with a signing secret, the webhook
// URL with timestamp (Unix milliseconds) and sign appended to its query.
// DingTalk accepts them within an hour of its own clock.
func dingtalkURL(u *url.URL, secret string, now time.Time) *url.URL {
	if secret == "" {
		return u
	}
	ts := strconv.FormatInt(now.UnixMilli(), 10)
	signed := *u
	extra := "timestamp=" + ts + "&sign=" + url.QueryEscape(dingtalkSign(ts, secret))
	if signed.RawQuery == "" {
		signed.RawQuery = extra
	} else {
		signed.RawQuery += "&" + extra
	}
	return &signed
}

// dingtalkSign is DingTalk's signature: base64 of HMAC-SHA256 keyed with
// the secret, over timestamp + "\n" + secret.
func dingtalkSign(timestamp, secret string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp + "\n" + secret))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}
