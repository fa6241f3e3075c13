// Package notify sends rotation reminders: a short message, grouped by
// person, that says which credentials, mailboxes, phone numbers and
// payout verifications are overdue or due soon. It sends them to chat
// groups (Slack, Feishu/Lark, DingTalk, WeCom), to any service that takes
// a JSON webhook, and by e-mail. It is pure Go: no Vault, and no I/O but
// the channels file and the sends themselves.
//
// A reminder carries names and dates only: the record's name ("acme-us/
// seller-central", "ops-us@acme.example", "+14155550100"), its kind, its
// state ("overdue" or "due-soon"), its due date and why it is due. Never a
// value: the reminder job reads Vault metadata only.
//
// # Messages
//
// A Message is one reminder run for one channel: the team (the mount
// prefix), the time, and one Group of Items per person, Person "" being
// the items nobody is assigned to, shown as "(no assignee)".
//
//	sellervault: 1 overdue, 1 due soon (team sellervault)
//
//	olga
//	  overdue  acme-us/seller-central  credential  due 2026-10-01 (marked due)
//
//	(no assignee)
//	  due-soon  +14155550100  phone  due 2026-10-20
//
// Title is the first line, Text the whole as plain text and Markdown as
// Markdown (a heading, the person in bold, the record as code). Both take
// a limit in bytes: a longer message loses whole lines from its end and
// ends with "… and N more", N being the items left out. Every field
// shown is cleaned first: control characters, bidirectional overrides and
// zero-width characters become U+FFFD (a record name cannot forge a line
// or reorder one), and a field is cut after 200 bytes; Markdown markup in
// fields is escaped.
//
// # Channel types
//
//	webhook   POST application/json to any URL:
//	          {"title": "...", "team": "...", "generated_at": RFC 3339,
//	           "groups": [{"person": "...", "items": [{"record": "...",
//	             "kind": "...", "state": "...", "due": "2026-10-01",
//	             "reason": "..."}]}],
//	           "text": "the plain text"}
//	          The keys are stable. "person" is "" for unassigned items;
//	          "due" is a date, an RFC 3339 time when it has a time of day,
//	          or "" when there is none. Any 2xx answer is success.
//	slack     a Slack incoming webhook: {"text": mrkdwn}, at most 39,000
//	          bytes. Success is 200 with the body "ok".
//	feishu    a Feishu/Lark custom bot: {"msg_type": "text", "content":
//	          {"text": ...}}, at most 18,000 bytes of text (Feishu refuses
//	          bodies over 20 KB). With a secret (the bot's "signature
//	          verification"), the body also has "timestamp" (Unix seconds)
//	          and "sign": base64(HMAC-SHA256, key timestamp+"\n"+secret,
//	          over nothing). Success is {"code": 0} (or, from older
//	          servers, {"StatusCode": 0}).
//	dingtalk  a DingTalk custom robot: {"msgtype": "markdown", "markdown":
//	          {"title": Title, "text": Markdown}}, at most 19,000 bytes of
//	          text. With a secret (the robot's "additional signature",
//	          SEC...), the URL gets &timestamp=<Unix ms>&sign=<base64(
//	          HMAC-SHA256, key secret, over timestamp+"\n"+secret)>. With
//	          "custom keywords" instead, use the keyword "sellervault": every
//	          title holds it. Success is {"errcode": 0}.
//	wecom     a WeCom (WeChat Work) group robot: {"msgtype": "markdown",
//	          "markdown": {"content": Markdown}}, at most 4096 bytes.
//	          Success is {"errcode": 0}.
//	smtp      one e-mail to the "to" list: Subject is Title, the body the
//	          plain text (UTF-8, quoted-printable), with Date, Message-ID,
//	          MIME-Version, Content-Type and Auto-Submitted headers.
//	          STARTTLS by default (port 587), which the server must offer;
//	          "implicit" TLS (port 465); or "none", only to a server on
//	          this machine (port 25), such as a local relay. With a
//	          username, the login is AUTH PLAIN, inside TLS.
//
// Webhook URLs must be https://, except to 127.0.0.1, ::1 and localhost.
// Redirects are not followed: a webhook that redirects is refused with
// its status. The default HTTP client honours HTTPS_PROXY, HTTP_PROXY and
// NO_PROXY; SMTP connects directly.
//
// # The channels file
//
// The channels are configured in a JSON file (LoadConfig, ParseConfig):
//
//	{
//	  "quiet_period": "20h",
//	  "channels": [
//	    {"name": "ops-slack", "type": "slack",
//	     "url": "https://hooks.slack.com/services/T000/B000/XXXX"},
//	    {"name": "ops-ding", "type": "dingtalk",
//	     "url": "https://oapi.dingtalk.com/robot/send?access_token=XXXX",
//	     "secret": "SECXXXX", "timeout": "5s"},
//	    {"name": "owner-mail", "type": "smtp",
//	     "host": "smtp.example.com", "port": 587,
//	     "username": "reminders@example.com", "password": "XXXX",
//	     "from": "sellervault <reminders@example.com>",
//	     "to": ["owner@example.com"]}
//	  ]
//	}
//
// Each channel has a name (1 to 40 lower-case letters, digits and
// hyphens, unique in the file) and a type. HTTP channels have a url, and
// feishu and dingtalk channels may have a secret; smtp channels have a
// host, a from address and a to list, and may have a port, a username
// with its password, and tls ("starttls", "implicit" or "none"). Every
// channel may have a timeout (a Go duration such as "5s"; 10s when not
// given, at most 5m). quiet_period is for the caller, which decides how
// often a channel may be reminded; this package only reads it.
//
// Parsing is strict: unknown fields, fields that do not belong to the
// channel's type, duplicate names, unknown types, missing fields, plain
// http to another host, bad timeouts and addresses with line breaks are
// refused, all problems at once, each naming the channel as
// channels[INDEX] ("name"). The errors match inputerr.ErrInvalid.
//
// # Security
//
// The channels file holds secrets: webhook URLs are bearer tokens (anyone
// with one can post to the group), and signing secrets and SMTP passwords
// are secrets. So:
//
//   - LoadConfig refuses a file that others may read or write (mode &
//     0o007), and says to run chmod 600.
//   - No error, from parsing or sending, holds a URL, a query, a secret or
//     a password. Go's HTTP errors quote the request URL ("Post
//     \"https://...?access_token=...\": ..."), so send errors are built
//     from the kind of failure only: "channel \"ops-slack\" (slack): timed
//     out after 10s", "...: server answered 500 Internal Server Error",
//     "...: bot refused the message: errcode 310000 (keywords not in
//     content)". As a last guard, every error is scrubbed of the channel's
//     URL, its token-like path segments and query values, its secret and
//     its password. Error's Unwrap gives context.DeadlineExceeded or
//     context.Canceled, never the underlying error.
//   - A bot's answer is outside input: at most 64 KiB of it is read, and
//     an error shows only its status, its result code and its message,
//     cut to 200 bytes and without control characters.
//   - ChannelConfig's String and GoString hide the URL's path and query,
//     the secret and the password, so printing a Config with %v or %#v
//     shows no secret. Encoding it as JSON does.
//   - Messages carry what Message holds and nothing else; the signing
//     secret never travels, only the signature.
//   - An e-mail's headers are built from addresses parsed by net/mail and
//     from the title, which has no control characters; addresses with
//     line breaks are refused when the file is parsed.
//
// # Sending
//
// Build makes the Channels of a Config; SendAll sends to all of them
// concurrently, each with its own Message (per-channel quiet periods mean
// one channel may get fewer items than another; a channel with no Message
// is skipped) and each within its own timeout. One channel's failure
// never stops the others; the Results come back in the channels' order.
package notify
