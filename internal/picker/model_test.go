package picker

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

func TestListFiltersAndMoves(t *testing.T) {
	w := newWorld(t)
	w.shows("pick a credential", "filter: ", "4 of 4 credentials", "acme-us/seller-central", "bolt-uk/shopify", "2fa")
	if got := w.selected(); got != "acme-us/seller-central" {
		t.Fatalf("selected %q first", got)
	}
	for _, step := range []struct {
		k    tea.KeyPressMsg
		want string
	}{
		{down, "acme-us/ebay"}, {ctrlN, "acme-de/seller-central"}, {down, "bolt-uk/shopify"},
		{down, "bolt-uk/shopify"}, // stops at the end
		{up, "acme-de/seller-central"}, {ctrlP, "acme-us/ebay"}, {up, "acme-us/seller-central"},
		{ctrlP, "acme-us/seller-central"}, // and at the top
		{pgDown, "bolt-uk/shopify"},
	} {
		w.key(step.k)
		if got := w.selected(); got != step.want {
			t.Fatalf("after %s selected %q, want %q", step.k, got, step.want)
		}
	}

	w.typeText("sel")
	w.shows("filter: sel", "2 of 4 credentials", "acme-us/seller-central", "acme-de/seller-central")
	if s := w.screen(); strings.Contains(s, "ebay") || strings.Contains(s, "shopify") {
		t.Fatalf("the filter left others:\n%s", s)
	}
	if got := w.selected(); got != "acme-us/seller-central" {
		t.Fatalf("typing selected %q, want the best match", got)
	}
	w.typeText(" de")
	w.shows("filter: sel de", "1 of 4 credentials", "acme-de/seller-central")
	w.key(backspace)
	w.shows("filter: sel d", "1 of 4")
	w.key(ctrlU)
	w.shows("4 of 4 credentials")
	w.typeText("q") // q is a letter in the list, not quit
	if w.quit {
		t.Fatal("q quit the list")
	}
	w.shows(`nothing matches "q"`, "0 of 4")
	w.key(enter) // nothing to pick
	if len(w.opened) != 0 || w.quit {
		t.Fatal("Enter on an empty list did something")
	}
	w.key(backspace)
	w.send(tea.PasteMsg{Content: "ebay\n"})
	w.shows("filter: ebay", "1 of 4")
	if w.selected() != "acme-us/ebay" {
		t.Fatalf("paste: selected %q", w.selected())
	}
}

func TestListScrollsInTheWindow(t *testing.T) {
	w := newWorld(t)
	w.send(tea.WindowSizeMsg{Width: 60, Height: chromeLines + 2})
	if s := w.screen(); !strings.Contains(s, "acme-us/ebay") || strings.Contains(s, "acme-de/seller-central") {
		t.Fatalf("two rows expected:\n%s", s)
	}
	w.key(down)
	w.key(down)
	if s := w.screen(); strings.Contains(s, "acme-us/seller-central") || !strings.Contains(s, "> acme-de/seller-central") {
		t.Fatalf("did not scroll:\n%s", s)
	}
	for _, line := range strings.Split(w.m.View().Content, "\n") {
		if width := len([]rune(stripped(line))); width > 60 {
			t.Fatalf("line wider than the window: %q", line)
		}
	}
}

func TestWalkCopiesLoginPasswordAndCode(t *testing.T) {
	w := newWorld(t)
	w.typeText("acme-us/sell")
	w.key(enter)
	if len(w.opened) != 1 || w.opened[0].Address != "acme-us/seller-central" {
		t.Fatalf("opened %v", w.opened)
	}
	w.shows("acme-us/seller-central", "> login", "********", "on the clipboard: paste it, then press Enter", "password  next", "code      next")
	if w.clip.holds() != login {
		t.Fatal("the login is not on the clipboard")
	}

	w.key(enter)
	w.shows("login     ********  pasted", "> password", "on the clipboard")
	if w.clip.holds() != password {
		t.Fatal("the password is not on the clipboard")
	}

	w.key(enter) // 1_700_000_030 is 20 s into its 30 s step: 10 s left
	w.shows("password  ********  pasted", "> code", "on the clipboard", "10 s left")
	if w.clip.holds() != code1 {
		t.Fatal("the code is not on the clipboard")
	}
	if w.ticks != 1 {
		t.Fatalf("%d ticks scheduled, want 1", w.ticks)
	}
	w.tick(time.Second)
	w.shows("9 s left")
	w.code = code2
	w.tick(9 * time.Second) // the step is over: checked, then the new code
	if w.clip.holds() != code2 {
		t.Fatal("the new code did not replace the old one")
	}
	w.shows("> code", "30 s left", "on the clipboard")
	if got := w.clip.copies; !reflect.DeepEqual(got, []string{login, password, code1, code2}) {
		t.Fatalf("copies %d, want login, password and two codes", len(got))
	}

	w.key(enter)
	if !w.quit {
		t.Fatal("the walk did not end")
	}
	if w.clip.holds() != "" {
		t.Fatal("the clipboard was not cleared at the end")
	}
	res := w.m.Result()
	if res.Outcome != Done || res.Entry.Address != "acme-us/seller-central" || !reflect.DeepEqual(res.Copied, []string{"login", "password", "code"}) {
		t.Fatalf("result %+v", res)
	}
	w.key(enter) // an ended session ignores everything
	w.tick(time.Second)
}

func TestWalkWithoutCodeEndsAfterThePassword(t *testing.T) {
	w := newWorld(t)
	w.typeText("ebay")
	w.key(enter)
	w.key(enter)
	if s := w.screen(); strings.Contains(s, "code") {
		t.Fatalf("a code step without a key:\n%s", s)
	}
	w.key(enter)
	if res := w.m.Result(); !w.quit || res.Outcome != Done || !reflect.DeepEqual(res.Copied, []string{"login", "password"}) {
		t.Fatalf("quit %v, result %+v", w.quit, res)
	}
	if w.clip.holds() != "" {
		t.Fatal("clipboard not cleared")
	}
}

func TestWalkSkipsEmptyFields(t *testing.T) {
	w := newWorld(t)
	w.walk = &Walk{Fields: []Field{{"login", ""}, {"password", password}}}
	w.key(enter)
	w.shows("> password")
	if s := w.screen(); strings.Contains(s, "login") {
		t.Fatalf("an empty login shown as a step:\n%s", s)
	}
	w.key(enter)
	if res := w.m.Result(); res.Outcome != Done || !reflect.DeepEqual(res.Copied, []string{"password"}) {
		t.Fatalf("result %+v", res)
	}

	w = newWorld(t)
	w.walk = &Walk{}
	w.key(enter)
	if res := w.m.Result(); !w.quit || res.Outcome != Failed || !errors.Is(res.Err, errNothing) {
		t.Fatalf("nothing to copy: result %+v", res)
	}
}

// TestClipboardChangeStopsTheWalk: another program puts its own text on
// the clipboard while a value waits to be pasted: at Enter the walk stops,
// the clipboard is wiped, and the result names the field.
func TestClipboardChangeStopsTheWalk(t *testing.T) {
	for i, field := range []string{"login", "password", "code"} {
		t.Run(field, func(t *testing.T) {
			w := newWorld(t)
			w.key(enter)
			for range i {
				w.key(enter)
			}
			w.clip.set("DE00 ATTACKER")
			w.key(enter)
			res := w.m.Result()
			if !w.quit || res.Outcome != Changed || res.Field != field || len(res.Copied) != i {
				t.Fatalf("quit %v, result %+v", w.quit, res)
			}
			if w.clip.holds() != "" || w.clip.wipes != 1 {
				t.Fatalf("clipboard %q after %d wipes, want it wiped", w.clip.holds(), w.clip.wipes)
			}
		})
	}

	t.Run("before the code rolls over", func(t *testing.T) {
		w := newWorld(t)
		for range 3 {
			w.key(enter)
		}
		w.clip.set("stolen")
		w.code = code2
		w.tick(10 * time.Second)
		if res := w.m.Result(); !w.quit || res.Outcome != Changed || res.Field != "code" || w.clip.holds() != "" {
			t.Fatalf("quit %v, result %+v, clipboard %q", w.quit, res, w.clip.holds())
		}
		for _, c := range w.clip.copies {
			if c == code2 {
				t.Fatal("the new code was copied over a changed clipboard")
			}
		}
	})
}

// TestQuitClearsAtEveryState: Esc, q and Ctrl-C quit wherever the walk is,
// and leave the clipboard empty if it held the walk's value; another
// program's text is left alone.
func TestQuitClearsAtEveryState(t *testing.T) {
	quitKeys := map[string]tea.KeyPressMsg{"esc": esc, "q": qKey, "ctrl+c": ctrlC}
	for name, k := range quitKeys {
		states := []struct {
			name  string
			setup func(w *world)
			held  string // what the clipboard holds before the quit
		}{
			{"waiting for the login", func(w *world) { w.key(enter) }, login},
			{"waiting for the password", func(w *world) { w.key(enter); w.key(enter) }, password},
			{"waiting with the code", func(w *world) { w.key(enter); w.key(enter); w.key(enter) }, code1},
			{"opening", func(w *world) {
				next, _ := w.m.Update(enter) // Open not run yet
				w.m = next.(Model)
			}, ""},
			{"copying", func(w *world) {
				w.key(enter)
				next, _ := w.m.Update(enter) // Holds ran not yet
				w.m = next.(Model)
				w.send(checkedMsg{step: 0, held: true})
				// the password's copy is on its way: pretend it landed
				w.clip.set(password)
			}, password},
			{"checking", func(w *world) {
				w.key(enter)
				next, _ := w.m.Update(enter)
				w.m = next.(Model)
			}, login},
		}
		for _, st := range states {
			t.Run(name+"/"+st.name, func(t *testing.T) {
				w := newWorld(t)
				st.setup(w)
				if got := w.clip.holds(); got != st.held {
					t.Fatalf("set-up: clipboard %q, want %q", got, st.held)
				}
				w.key(k)
				if !w.quit || w.m.Result().Outcome != Quit {
					t.Fatalf("%s did not quit: %+v", name, w.m.Result())
				}
				if w.clip.holds() != "" {
					t.Fatal("the clipboard still holds the walk's value")
				}
			})
		}
	}
	for _, k := range []tea.KeyPressMsg{esc, ctrlC} {
		w := newWorld(t)
		w.clip.set("someone else's text")
		w.key(k)
		if !w.quit || w.m.Result().Outcome != Quit || w.m.Result().Entry.Address != "" {
			t.Fatalf("%s in the list: quit %v, %+v", k, w.quit, w.m.Result())
		}
		if w.clip.holds() != "someone else's text" {
			t.Fatal("quitting the list touched the clipboard")
		}
	}
	w := newWorld(t)
	w.key(enter)
	w.clip.set("copied since by the user")
	w.key(esc)
	if w.clip.holds() != "copied since by the user" || w.clip.wipes != 0 {
		t.Fatal("quitting cleared what the user copied since")
	}
}

func TestFailuresEndTheWalk(t *testing.T) {
	t.Run("open", func(t *testing.T) {
		w := newWorld(t)
		w.m.funcs.Open = func(Entry) (Walk, error) { return Walk{}, errVault }
		w.key(enter)
		if res := w.m.Result(); !w.quit || res.Outcome != Failed || !errors.Is(res.Err, errVault) {
			t.Fatalf("result %+v", res)
		}
	})
	t.Run("copy", func(t *testing.T) {
		w := newWorld(t)
		w.clip.copyErr = errors.New("the clipboard does not hold what was copied")
		w.key(enter)
		if res := w.m.Result(); !w.quit || res.Outcome != Failed || res.Field != "login" || res.Err != w.clip.copyErr {
			t.Fatalf("result %+v", res)
		}
	})
	t.Run("read back", func(t *testing.T) {
		w := newWorld(t)
		w.key(enter)
		w.clip.readErr = errors.New("xclip failed")
		w.key(enter)
		if res := w.m.Result(); !w.quit || res.Outcome != Failed || res.Err != w.clip.readErr || w.clip.wipes != 1 {
			t.Fatalf("result %+v after %d wipes", res, w.clip.wipes)
		}
	})
	t.Run("code", func(t *testing.T) {
		w := newWorld(t)
		w.walk = &Walk{Fields: []Field{{"password", password}}, Code: func() (string, int, error) { return "", 0, errVault }}
		w.key(enter)
		w.key(enter)
		if res := w.m.Result(); !w.quit || res.Outcome != Failed || res.Field != "code" || !errors.Is(res.Err, errVault) || w.clip.holds() != "" {
			t.Fatalf("result %+v, clipboard %q", res, w.clip.holds())
		}
	})
}

// TestStaleMessagesIgnored: a result that arrives for a step the walk has
// left does nothing.
func TestStaleMessagesIgnored(t *testing.T) {
	w := newWorld(t)
	w.key(enter)
	w.key(enter) // at the password
	w.send(copiedMsg{step: 0})
	w.send(checkedMsg{step: 0, held: false})
	w.send(codeMsg{code: code2, period: 30})
	w.send(tickMsg{gen: 99})
	w.send(openedMsg{})
	if w.quit || w.clip.holds() != password || !strings.Contains(w.screen(), "> password") {
		t.Fatalf("a stale message moved the walk:\n%s", w.screen())
	}
}

func TestViewUsesTheAltScreen(t *testing.T) {
	w := newWorld(t)
	v := w.m.View()
	if !v.AltScreen || v.Cursor == nil {
		t.Fatalf("list view: alt screen %v, cursor %v", v.AltScreen, v.Cursor)
	}
	w.key(enter)
	if v := w.m.View(); !v.AltScreen || v.Cursor != nil {
		t.Fatalf("walk view: alt screen %v, cursor %v", v.AltScreen, v.Cursor)
	}
}

func TestNoColor(t *testing.T) {
	for env, want := range map[string]bool{"NO_COLOR=1": true, "NO_COLOR=yes": true, "NO_COLOR=true": true, "NO_COLOR=": false, "TERM=xterm": false} {
		if got := noColor([]string{"HOME=/x", env}); got != want {
			t.Errorf("noColor(%s) = %v", env, got)
		}
	}
}

func stripped(s string) string { return strings.TrimRight(ansiStrip(s), " ") }

// TestEnterDuringRollover: Enter pressed while a new code replaces the old
// one is not lost: the walk checks the new code and ends.
func TestEnterDuringRollover(t *testing.T) {
	w := newWorld(t)
	for range 3 {
		w.key(enter)
	}
	w.code = code2
	w.now = w.now.Add(10 * time.Second)
	next, cmd := w.m.Update(tickMsg{w.m.ticks}) // the rollover check is on its way
	w.m = next.(Model)
	w.key(enter)
	if w.quit {
		t.Fatal("ended before the new code was on the clipboard")
	}
	w.run(cmd)
	if res := w.m.Result(); !w.quit || res.Outcome != Done || w.clip.holds() != "" {
		t.Fatalf("quit %v, result %+v, clipboard %q", w.quit, res, w.clip.holds())
	}
	if got := w.clip.copies; len(got) != 4 || got[3] != code2 {
		t.Fatalf("%d copies; the new code not among them", len(got))
	}
}

// TestEnterWhileCopying: Enter pressed as the value lands on the
// clipboard, before the copy is confirmed, is answered once it is.
func TestEnterWhileCopying(t *testing.T) {
	w := newWorld(t)
	next, cmd := w.m.Update(enter) // pick: Open on its way
	w.m = next.(Model)
	next, cmd = w.m.Update(cmd()) // opened: the login's copy on its way
	w.m = next.(Model)
	w.key(enter)
	if w.m.state != stateCopying || !w.m.queued {
		t.Fatalf("state %d, queued %v", w.m.state, w.m.queued)
	}
	w.run(cmd) // the copy is confirmed, then checked at once
	w.shows("> password", "on the clipboard")
	if w.clip.holds() != password {
		t.Fatal("the password did not follow")
	}
}

func TestPreview(t *testing.T) {
	entries := []Entry{
		{Address: "acme-us/seller-central", URL: "https://sellercentral.amazon.com", HasCode: true},
		{Address: "acme-us/ebay", URL: "https://www.ebay.com"},
		{Address: "acme-de/seller-central", URL: "https://sellercentral.amazon.de", HasCode: true},
	}
	got := Preview(entries, "  sel\n", 0, 0)
	want := "sellervault · pick a credential\n" +
		"filter: sel\n" +
		"\n" +
		"> acme-us/seller-central  https://sellercentral.amazon.com  2fa\n" +
		"  acme-de/seller-central  https://sellercentral.amazon.de  2fa\n" +
		"\n" +
		"2 of 3 credentials\n"
	if !strings.HasPrefix(got, want) || strings.Contains(got, "\x1b") || !strings.HasSuffix(got, "\n") {
		t.Fatalf("preview:\n%q\nwant it to start with\n%q", got, want)
	}
	if got := Preview(entries, "zzz", 0, 0); !strings.Contains(got, `nothing matches "zzz"`) || !strings.Contains(got, "0 of 3") {
		t.Fatalf("no match:\n%s", got)
	}
	if got := Preview(nil, "", 0, 0); !strings.Contains(got, "no credentials you may use") {
		t.Fatalf("empty:\n%s", got)
	}
	// A narrow terminal truncates; a short one shows a page of matches.
	for _, l := range strings.Split(Preview(entries, "", 20, 0), "\n") {
		if n := len([]rune(l)); n > 20 {
			t.Fatalf("line %q is %d wide", l, n)
		}
	}
	if got := Preview(entries, "", 0, chromeLines+1); strings.Count(got, "seller-central") != 1 || !strings.Contains(got, "3 of 3") {
		t.Fatalf("one row:\n%s", got)
	}
}
