package notify

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"runtime"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sellervault/sellervault/internal/inputerr"
)

// The channel types.
const (
	TypeWebhook  = "webhook"
	TypeSlack    = "slack"
	TypeFeishu   = "feishu"
	TypeDingTalk = "dingtalk"
	TypeWeCom    = "wecom"
	TypeSMTP     = "smtp"
)

// The SMTP TLS modes.
const (
	TLSStartTLS = "starttls"
	TLSImplicit = "implicit"
	TLSNone     = "none"
)

// DefaultTimeout is how long one channel's send may take when its
// configuration gives no timeout.
const DefaultTimeout = 10 * time.Second

// MaxTimeout is the longest timeout a channel may have.
const MaxTimeout = 5 * time.Minute

// maxConfigSize is the largest channels file LoadConfig reads.
const maxConfigSize = 1 << 20

// maxRecipients is the most addresses an smtp channel may send to.
const maxRecipients = 100

// Config is the channels file (JSON). It holds secrets: webhook URLs with
// their tokens, signing secrets and SMTP passwords. Its String method
// hides them; encoding it again (json.Marshal) does not.
type Config struct {
	QuietPeriod string          `json:"quiet_period"` // e.g. "20h", may be empty; the caller parses it
	Channels    []ChannelConfig `json:"channels"`
}

// ChannelConfig is one channel of the channels file.
type ChannelConfig struct {
	Name    string `json:"name"`              // unique, [a-z0-9-]{1,40}
	Type    string `json:"type"`              // webhook | slack | feishu | dingtalk | wecom | smtp
	URL     string `json:"url,omitempty"`     // http(s) endpoints; https required except for loopback hosts
	Secret  string `json:"secret,omitempty"`  // signing secret: dingtalk and feishu, optional
	Timeout string `json:"timeout,omitempty"` // Go duration, default 10s

	// smtp
	Host     string   `json:"host,omitempty"`
	Port     int      `json:"port,omitempty"`
	Username string   `json:"username,omitempty"`
	Password string   `json:"password,omitempty"`
	From     string   `json:"from,omitempty"`
	To       []string `json:"to,omitempty"`
	TLS      string   `json:"tls,omitempty"` // "starttls" (default), "implicit" (port 465), "none" (loopback hosts only)
}

// String describes the channel without its secrets: the URL is shown as
// its scheme and host only, the secret and password as "(set)".
func (c ChannelConfig) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "{name:%q type:%q", c.Name, c.Type)
	if c.URL != "" {
		if u, err := url.Parse(c.URL); err == nil && u.Host != "" {
			fmt.Fprintf(&b, " url:%q", u.Scheme+"://"+u.Host+"/…")
		} else {
			b.WriteString(" url:(set)")
		}
	}
	if c.Secret != "" {
		b.WriteString(" secret:(set)")
	}
	if c.Timeout != "" {
		fmt.Fprintf(&b, " timeout:%q", c.Timeout)
	}
	if c.Host != "" {
		fmt.Fprintf(&b, " host:%q port:%d tls:%q", c.Host, c.Port, c.TLS)
	}
	if c.Username != "" {
		fmt.Fprintf(&b, " username:%q", c.Username)
	}
	if c.Password != "" {
		b.WriteString(" password:(set)")
	}
	if c.From != "" {
		fmt.Fprintf(&b, " from:%q to:%q", c.From, c.To)
	}
	b.WriteByte('}')
	return b.String()
}

// GoString is String, so that %#v hides the secrets too.
func (c ChannelConfig) GoString() string { return "notify.ChannelConfig" + c.String() }

// LoadConfig reads the channels file at path. It refuses a file that
// users other than its owner and group may read or write (the file holds
// secrets; the error says to run chmod 600), then parses it with
// ParseConfig.
func LoadConfig(path string) (Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return Config{}, fmt.Errorf("channels file: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return Config{}, fmt.Errorf("channels file: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return Config{}, inputerr.Errorf("channels file %s is not a regular file", path)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o007 != 0 {
		return Config{}, inputerr.Errorf("channels file %s holds secrets but others may read or change it (mode %04o); run: chmod 600 %s", path, fi.Mode().Perm(), path)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxConfigSize+1))
	if err != nil {
		return Config{}, fmt.Errorf("channels file %s: %w", path, err)
	}
	if len(data) > maxConfigSize {
		return Config{}, inputerr.Errorf("channels file %s is larger than %d bytes", path, maxConfigSize)
	}
	cfg, err := ParseConfig(data)
	if err != nil {
		return Config{}, fmt.Errorf("channels file %s: %w", path, err)
	}
	return cfg, nil
}

// ParseConfig parses and checks a channels file. It is strict: unknown
// fields, duplicate names, unknown types, missing or misplaced fields,
// plain-http URLs to other hosts than this one and bad timeouts are
// refused, all problems at once, one line each, each naming the channel
// (channels[INDEX] and its name). No message shows a URL, secret or
// password. Errors match inputerr.ErrInvalid.
func ParseConfig(data []byte) (Config, error) {
	var cfg Config
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		return Config{}, jsonError(data, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return Config{}, inputerr.Errorf("channels file: there is more after the JSON object; a channels file is one object")
	}
	if err := cfg.validate(); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

// jsonError describes a decoding error without quoting the input's values.
func jsonError(data []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		line, col := position(data, syn.Offset)
		return inputerr.Errorf("channels file is not valid JSON: syntax error at line %d, column %d", line, col)
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			return inputerr.Errorf("channels file must be a JSON object with a \"channels\" list, not a JSON %s", typ.Value)
		}
		line, col := position(data, typ.Offset)
		return inputerr.Errorf("channels file, line %d, column %d: %s must be %s, not a JSON %s", line, col, field, jsonKind(typ.Type.Kind().String()), typ.Value)
	case errors.Is(err, io.EOF):
		return inputerr.Errorf("channels file is empty; it is a JSON object with a \"channels\" list")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return inputerr.Errorf("channels file is not valid JSON: it ends too early")
	}
	if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name, uerr := unquoteJSON(f)
		if uerr == nil {
			return inputerr.Errorf("channels file: unknown field %s; check its spelling", inputerr.Quote(name))
		}
		return inputerr.Errorf("channels file: unknown field")
	}
	return inputerr.Errorf("channels file is not valid JSON")
}

func unquoteJSON(s string) (string, error) {
	var v string
	err := json.Unmarshal([]byte(s), &v)
	return v, err
}

func jsonKind(k string) string {
	switch k {
	case "string":
		return "a string"
	case "int", "int64":
		return "a whole number"
	case "slice":
		return "a list"
	case "struct":
		return "an object"
	}
	return k
}

// position turns a byte offset into a 1-based line and column.
func position(data []byte, off int64) (line, col int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	if off < 0 {
		off = 0
	}
	before := data[:off]
	line = 1 + bytes.Count(before, []byte("\n"))
	col = 1 + utf8.RuneCount(before[bytes.LastIndexByte(before, '\n')+1:])
	return line, col
}
