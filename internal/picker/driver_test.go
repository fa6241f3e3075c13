package picker

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// The secrets of the test credential; none may ever be on the screen.
const (
	login    = "ops-login@acme.example"
	password = "CANARY-picker-password-7f3a"
	code1    = "493817"
	code2    = "205561"
)

// fakeClipboard is an in-memory clipboard; steal, when set, is what
// another program puts on it right after the next copy.
type fakeClipboard struct {
	mu      sync.Mutex
	content string
	copies  []string
	wipes   int
	steal   string
	copyErr error
	readErr error
}

func (c *fakeClipboard) holds() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.content
}

func (c *fakeClipboard) set(s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.content = s
}

// world is a model under test with its fake clipboard, clock and Vault.
type world struct {
	t      *testing.T
	m      Model
	clip   *fakeClipboard
	now    time.Time
	code   string
	opened []Entry
	ticks  int // ticks scheduled, not yet delivered
	quit   bool
	noCode bool
	walk   *Walk // when set, Open returns it
}

func newWorld(t *testing.T) *world {
	w := &world{t: t, clip: &fakeClipboard{}, now: time.Unix(1_700_000_030, 0), code: code1}
	f := Funcs{
		Open: func(e Entry) (Walk, error) {
			w.opened = append(w.opened, e)
			if w.walk != nil {
				return *w.walk, nil
			}
			walk := Walk{Fields: []Field{{"login", login}, {"password", password}}}
			if e.HasCode && !w.noCode {
				walk.Code = func() (string, int, error) { return w.code, 30, nil }
			}
			return walk, nil
		},
		Copy: func(v string) error {
			c := w.clip
			c.mu.Lock()
			defer c.mu.Unlock()
			if c.copyErr != nil {
				return c.copyErr
			}
			c.copies = append(c.copies, v)
			c.content = v
			if c.steal != "" {
				c.content, c.steal = c.steal, ""
			}
			return nil
		},
		Holds: func(v string) (bool, error) {
			c := w.clip
			c.mu.Lock()
			defer c.mu.Unlock()
			return c.content == v, c.readErr
		},
		Clear: func(v string) {
			c := w.clip
			c.mu.Lock()
			defer c.mu.Unlock()
			if c.content == v {
				c.content = ""
			}
		},
		Wipe: func() {
			c := w.clip
			c.mu.Lock()
			defer c.mu.Unlock()
			c.content = ""
			c.wipes++
		},
		Now: func() time.Time { return w.now },
	}
	w.m = New(testEntries, f)
	w.m.after = func(time.Duration, func(time.Time) tea.Msg) tea.Cmd {
		return func() tea.Msg { return scheduled{} }
	}
	return w
}

// scheduled stands for a tick the model asked for; the test delivers
// ticks itself with tick().
type scheduled struct{}

// send delivers msg, runs the commands the model returns (and theirs),
// and checks the screen never shows a secret.
func (w *world) send(msg tea.Msg) {
	w.t.Helper()
	next, cmd := w.m.Update(msg)
	w.m = next.(Model)
	w.noSecret()
	w.run(cmd)
}

func (w *world) run(cmd tea.Cmd) {
	w.t.Helper()
	if cmd == nil {
		return
	}
	switch msg := cmd().(type) {
	case tea.BatchMsg:
		for _, c := range msg {
			w.run(c)
		}
	case tea.QuitMsg:
		w.quit = true
	case scheduled:
		w.ticks++
	case nil:
	default:
		w.send(msg)
	}
}

// tick lets the clock run d and delivers the current ticker's tick.
func (w *world) tick(d time.Duration) {
	w.t.Helper()
	w.now = w.now.Add(d)
	w.ticks = 0
	w.send(tickMsg{w.m.ticks})
}

func (w *world) key(k tea.KeyPressMsg) { w.t.Helper(); w.send(k) }
func (w *world) typeText(s string) {
	w.t.Helper()
	for _, r := range s {
		w.send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

var (
	enter     = tea.KeyPressMsg{Code: tea.KeyEnter}
	esc       = tea.KeyPressMsg{Code: tea.KeyEscape}
	ctrlC     = tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	ctrlN     = tea.KeyPressMsg{Code: 'n', Mod: tea.ModCtrl}
	ctrlP     = tea.KeyPressMsg{Code: 'p', Mod: tea.ModCtrl}
	ctrlU     = tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl}
	up        = tea.KeyPressMsg{Code: tea.KeyUp}
	down      = tea.KeyPressMsg{Code: tea.KeyDown}
	pgDown    = tea.KeyPressMsg{Code: tea.KeyPgDown}
	backspace = tea.KeyPressMsg{Code: tea.KeyBackspace}
	qKey      = tea.KeyPressMsg{Code: 'q', Text: "q"}
)

// screen is the view's text without styling.
func (w *world) screen() string { return ansi.Strip(w.m.View().Content) }

// noSecret fails the test if the screen shows a secret.
func (w *world) noSecret() {
	w.t.Helper()
	s := w.m.View().Content
	for _, secret := range []string{login, password, code1, code2, w.code} {
		if strings.Contains(s, secret) || strings.Contains(ansi.Strip(s), secret) {
			w.t.Fatalf("the screen shows a secret:\n%s", ansi.Strip(s))
		}
	}
}

// selected is the address on the "> " line of the list.
func (w *world) selected() string {
	for _, line := range strings.Split(w.screen(), "\n") {
		if rest, ok := strings.CutPrefix(line, "> "); ok {
			return strings.Fields(rest)[0]
		}
	}
	return ""
}

// shows fails the test unless the screen holds every one of want.
func (w *world) shows(want ...string) {
	w.t.Helper()
	s := w.screen()
	for _, x := range want {
		if !strings.Contains(s, x) {
			w.t.Fatalf("the screen does not show %q:\n%s", x, s)
		}
	}
}

var errVault = errors.New("permission denied")

func ansiStrip(s string) string { return ansi.Strip(s) }
