package notify

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestWebhook(t *testing.T) {
	bot := newBot(t, http.StatusNoContent, "")
	ch := buildOne(t, ChannelConfig{Name: "ops-hook", Type: TypeWebhook, URL: bot.hookURL("token")}, Options{Now: fixedNow})
	m := sampleMessage()
	if err := ch.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	r := bot.only(t)
	checkJSONPost(t, r)
	if r.Query.Get("token") != canaryToken {
		t.Errorf("query %v", r.Query)
	}
	obj := decodeObject(t, "body", r.Body, "title", "team", "generated_at", "groups", "text")
	if s := decodeString(t, obj["title"]); s != m.Title() {
		t.Errorf("title %q", s)
	}
	if s := decodeString(t, obj["team"]); s != "sellervault" {
		t.Errorf("team %q", s)
	}
	if s := decodeString(t, obj["generated_at"]); s != "2026-10-05T09:30:00Z" {
		t.Errorf("generated_at %q", s)
	}
	if s := decodeString(t, obj["text"]); s != m.Text(0) {
		t.Errorf("text %q", s)
	}
	var groups []json.RawMessage
	json.Unmarshal(obj["groups"], &groups)
	if len(groups) != 3 {
		t.Fatalf("%d groups", len(groups))
	}
	var persons []string
	for _, g := range groups {
		gobj := decodeObject(t, "group", g, "person", "items")
		persons = append(persons, decodeString(t, gobj["person"]))
		var items []json.RawMessage
		json.Unmarshal(gobj["items"], &items)
		for _, it := range items {
			decodeObject(t, "item", it, "record", "kind", "state", "due", "reason")
		}
	}
	if !slices.Equal(persons, []string{"olga", "j.smith", ""}) {
		t.Errorf("persons %q", persons)
	}
	var p webhookJSON
	json.Unmarshal(r.Body, &p)
	want := []webhookItemJSON{
		{Record: "+14155550100", Kind: "phone", State: "overdue", Due: "", Reason: "never rotated"},
		{Record: "acme-uk/ebay", Kind: "credential", State: "due-soon", Due: "2026-10-12", Reason: ""},
	}
	if !slices.Equal(p.Groups[2].Items, want) {
		t.Errorf("items %+v", p.Groups[2].Items)
	}
}

func TestWebhookDueWithTime(t *testing.T) {
	if got := formatDue(time.Date(2026, 10, 1, 14, 0, 0, 0, time.UTC)); got != "2026-10-01T14:00:00Z" {
		t.Errorf("formatDue = %q", got)
	}
}

func TestSlack(t *testing.T) {
	bot := newBot(t, http.StatusOK, "ok")
	ch := buildOne(t, ChannelConfig{Name: "ops-slack", Type: TypeSlack, URL: bot.hookURL("t")}, Options{})
	if err := ch.Send(context.Background(), sampleMessage()); err != nil {
		t.Fatal(err)
	}
	r := bot.only(t)
	checkJSONPost(t, r)
	obj := decodeObject(t, "body", r.Body, "text")
	text := decodeString(t, obj["text"])
	if !strings.HasPrefix(text, "*sellervault: 3 overdue, 2 due soon (team sellervault)*\n") {
		t.Errorf("text %q", text)
	}
	checkRecords(t, "slack text", text)
}

func TestFeishu(t *testing.T) {
	for _, signed := range []bool{true, false} {
		bot := newBot(t, http.StatusOK, `{"code":0,"data":{},"msg":"success"}`)
		c := ChannelConfig{Name: "ops-feishu", Type: TypeFeishu, URL: bot.hookURL("t")}
		if signed {
			c.Secret = canarySecret
		}
		if err := buildOne(t, c, Options{Now: fixedNow}).Send(context.Background(), sampleMessage()); err != nil {
			t.Fatal(err)
		}
		r := bot.only(t)
		checkJSONPost(t, r)
		keys := []string{"msg_type", "content"}
		if signed {
			keys = append(keys, "timestamp", "sign")
		}
		obj := decodeObject(t, "body", r.Body, keys...)
		if s := decodeString(t, obj["msg_type"]); s != "text" {
			t.Errorf("msg_type %q", s)
		}
		content := decodeObject(t, "content", obj["content"], "text")
		if text := decodeString(t, content["text"]); text != sampleMessage().Text(0) {
			t.Errorf("text %q", text)
		}
		if !signed {
			continue
		}
		ts := decodeString(t, obj["timestamp"])
		sec, err := strconv.ParseInt(ts, 10, 64)
		if err != nil || time.Unix(sec, 0).Sub(testNow).Abs() > time.Hour {
			t.Errorf("timestamp %q is not within an hour of Options.Now", ts)
		}
		// Feishu's check: HMAC-SHA256 keyed with timestamp+"\n"+secret, over nothing.
		mac := hmac.New(sha256.New, []byte(ts+"\n"+canarySecret))
		want := base64.StdEncoding.EncodeToString(mac.Sum(nil))
		if got := decodeString(t, obj["sign"]); got != want {
			t.Errorf("sign %q, want %q", got, want)
		}
	}
}

func TestDingTalk(t *testing.T) {
	bot := newBot(t, http.StatusOK, `{"errcode":0,"errmsg":"ok"}`)
	c := ChannelConfig{Name: "ops-ding", Type: TypeDingTalk, URL: bot.hookURL("access_token"), Secret: canarySecret}
	if err := buildOne(t, c, Options{Now: fixedNow}).Send(context.Background(), sampleMessage()); err != nil {
		t.Fatal(err)
	}
	r := bot.only(t)
	checkJSONPost(t, r)
	obj := decodeObject(t, "body", r.Body, "msgtype", "markdown")
	if s := decodeString(t, obj["msgtype"]); s != "markdown" {
		t.Errorf("msgtype %q", s)
	}
	md := decodeObject(t, "markdown", obj["markdown"], "title", "text")
	if s := decodeString(t, md["title"]); s != sampleMessage().Title() {
		t.Errorf("title %q", s)
	}
	if s := decodeString(t, md["text"]); s != sampleMessage().Markdown(0) {
		t.Errorf("text %q", s)
	}
	if got := r.Query.Get("access_token"); got != canaryToken {
		t.Errorf("access_token %q", got)
	}
	ts := r.Query.Get("timestamp")
	ms, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || time.UnixMilli(ms).Sub(testNow).Abs() > time.Hour {
		t.Errorf("timestamp %q is not within an hour of Options.Now", ts)
	}
	// DingTalk's check: HMAC-SHA256 keyed with the secret, over
	// timestamp+"\n"+secret. r.Query is decoded already.
	mac := hmac.New(sha256.New, []byte(canarySecret))
	mac.Write([]byte(ts + "\n" + canarySecret))
	if got, want := r.Query.Get("sign"), base64.StdEncoding.EncodeToString(mac.Sum(nil)); got != want {
		t.Errorf("sign %q, want %q", got, want)
	}
}

func TestWeCom(t *testing.T) {
	bot := newBot(t, http.StatusOK, `{"errcode":0,"errmsg":"ok"}`)
	c := ChannelConfig{Name: "ops-wecom", Type: TypeWeCom, URL: bot.hookURL("key")}
	if err := buildOne(t, c, Options{}).Send(context.Background(), manyItems(100)); err != nil {
		t.Fatal(err)
	}
	r := bot.only(t)
	checkJSONPost(t, r)
	obj := decodeObject(t, "body", r.Body, "msgtype", "markdown")
	if s := decodeString(t, obj["msgtype"]); s != "markdown" {
		t.Errorf("msgtype %q", s)
	}
	content := decodeString(t, decodeObject(t, "markdown", obj["markdown"], "content")["content"])
	if len(content) > 4096 || !strings.HasSuffix(content, " more") || !strings.Contains(content, "store-0/cred-0") {
		t.Errorf("content of %d bytes:\n%s", len(content), content)
	}
}

// Each vendor's text stays within its limit however long the message.
func TestVendorLimits(t *testing.T) {
	m := manyItems(3000)
	for _, tc := range []struct {
		typ  string
		max  int
		text func(body []byte) string // what the limit is on
	}{
		{TypeSlack, 40000, func(b []byte) string {
			var p struct{ Text string }
			json.Unmarshal(b, &p)
			return p.Text
		}},
		{TypeFeishu, 20 << 10, func(b []byte) string { return string(b) }}, // the whole body
		{TypeDingTalk, 20000, func(b []byte) string {
			var p struct{ Markdown struct{ Text string } }
			json.Unmarshal(b, &p)
			return p.Markdown.Text
		}},
		{TypeWeCom, 4096, func(b []byte) string {
			var p struct{ Markdown struct{ Content string } }
			json.Unmarshal(b, &p)
			return p.Markdown.Content
		}},
	} {
		bot := newBot(t, http.StatusOK, `ok`)
		c := ChannelConfig{Name: "x", Type: tc.typ, URL: bot.hookURL("t")}
		buildOne(t, c, Options{}).Send(context.Background(), m)
		text := tc.text(bot.only(t).Body)
		if len(text) > tc.max || len(text) < tc.max*3/4 || !strings.Contains(text, " more") {
			t.Errorf("%s: %d bytes, limit %d", tc.typ, len(text), tc.max)
		}
	}
}
