package app

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/sellervault/sellervault/internal/clipboard"
	"github.com/sellervault/sellervault/internal/picker"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/repo"
)

// openClearAfter is how long each value the picker copies may stay on the
// clipboard if sellervault cannot clear it itself (it was killed): the
// clear helper's timeout.
const openClearAfter = 45 * time.Second

func openCommand(env *Env) *cli.Command {
	return &cli.Command{
		Name: "open",
		Usage: "on a terminal: pick one of your credentials by typing part of its name, then copy its login, password " +
			"and 2-step code one after another, each checked on the clipboard (also `sellervault` alone)",
		Flags: []cli.Flag{
			&cli.DurationFlag{Name: "clear-after", Value: openClearAfter, Usage: "clear each value from the clipboard after this long if sellervault is killed before it can (0: never)"},
			&cli.BoolFlag{Name: "preview", Usage: "print the picker's list, filtered by the words given as arguments, as plain text; copies nothing and needs no terminal"},
		},
		ArgsUsage: "[--preview [FILTER…]]",
		Action: func(c *cli.Context) error {
			if c.Bool("preview") {
				return env.withRepo(func(c *cli.Context, s *session, r *repo.Repo) error {
					return s.previewPicker(c, r)
				})(c)
			}
			if c.NArg() > 0 {
				return usageError{errors.New("sellervault open takes no arguments: type the filter in the picker, or use --preview FILTER")}
			}
			if !env.onTerminal() {
				return usageError{errNotATerminal}
			}
			return env.withRepo(func(c *cli.Context, s *session, r *repo.Repo) error {
				return s.openPicker(c, r, c.Duration("clear-after"))
			})(c)
		},
	}
}

// errNotATerminal is `open` where nobody can type.
var errNotATerminal = errors.New("sellervault open needs a terminal for its input and output: in a script use `sellervault cred get STORE/NAME --copy`")

// onTerminal reports whether stdin and stdout are both terminals.
func (e *Env) onTerminal() bool {
	in, ok1 := e.Stdin.(*os.File)
	out, ok2 := e.Stdout.(*os.File)
	return ok1 && ok2 && term.IsTerminal(int(in.Fd())) && term.IsTerminal(int(out.Fd()))
}

// openPicker runs the picker, on the terminal that stdin and stdout are,
// over the caller's credentials and reports how the walk went. Whatever ends it (Esc, Ctrl-C, a signal, an error),
// the clipboard is left without the values it copied.
func (s *session) openPicker(c *cli.Context, r *repo.Repo, clearAfter time.Duration) error {
	creds, err := r.Creds().List(c.Context, "")
	if err != nil {
		return err
	}
	entries := pickerEntries(creds)
	clip := &pickerClipboard{cb: clipboard.System(), clearAfter: clearAfter}
	funcs := clip.funcs()
	funcs.Open = func(e picker.Entry) (picker.Walk, error) { return openWalk(c, r, e) }
	res, runErr := picker.Run(c.Context, picker.New(entries, funcs), s.env.Stdin, s.env.Stdout, os.Environ())
	clip.close()
	return s.reportPicker(res, runErr)
}

// previewPicker prints the picker's list screen for the filter given as
// arguments: what `sellervault open` would open on after typing it.
func (s *session) previewPicker(c *cli.Context, r *repo.Repo) error {
	creds, err := r.Creds().List(c.Context, "")
	if err != nil {
		return err
	}
	width := 0
	if f, ok := s.env.Stdout.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		width, _, _ = term.GetSize(int(f.Fd()))
	}
	_, err = fmt.Fprint(s.env.Stdout, picker.Preview(pickerEntries(creds), strings.Join(c.Args().Slice(), " "), width, 0))
	return err
}

// pickerEntries lists credentials for the picker, by address.
func pickerEntries(creds []records.Credential) []picker.Entry {
	entries := make([]picker.Entry, 0, len(creds))
	for _, cr := range creds {
		entries = append(entries, picker.Entry{Address: cr.Address(), URL: cr.URL, HasCode: cr.TOTPKey != ""})
	}
	sort.SliceStable(entries, func(i, j int) bool { return entries[i].Address < entries[j].Address })
	return entries
}

// openWalk reads a picked credential: its login and password, and its
// TOTP code when it has a key.
func openWalk(c *cli.Context, r *repo.Repo, e picker.Entry) (picker.Walk, error) {
	store, name, _ := strings.Cut(e.Address, "/")
	cred, _, err := r.Creds().Get(c.Context, store, name)
	if err != nil {
		return picker.Walk{}, err
	}
	w := picker.Walk{Fields: []picker.Field{{Name: "login", Value: cred.Login}, {Name: "password", Value: cred.Password}}}
	if cred.TOTPKey != "" {
		w.Code = func() (string, int, error) { return r.TOTP().Code(c.Context, store, name) }
	}
	return w, nil
}

// reportPicker turns the picker's result into a message and an exit code.
func (s *session) reportPicker(res picker.Result, runErr error) error {
	addr := res.Entry.Address
	switch {
	case runErr != nil:
		return fmt.Errorf("%w: %v; the clipboard is cleared", errAborted, runErr)
	case res.Outcome == picker.Done:
		s.env.say("copied %s of %s; the clipboard is cleared", joinAnd(res.Copied), addr)
		return nil
	case res.Outcome == picker.Changed:
		return fmt.Errorf("%w: the clipboard changed while %s of %s was on it; the clipboard was cleared. "+
			"Do not submit the form: check what was pasted", clipboard.ErrMismatch, res.Field, addr)
	case res.Outcome == picker.Failed && res.Field != "":
		return fmt.Errorf("%s of %s: %w; the clipboard is cleared", res.Field, addr, res.Err)
	case res.Outcome == picker.Failed:
		return fmt.Errorf("%s: %w", addr, res.Err)
	case addr != "":
		return fmt.Errorf("%w: stopped at the %s of %s; the clipboard is cleared", errAborted, res.Field, addr)
	}
	return nil // left the list without picking
}

// joinAnd is "login, password and code".
func joinAnd(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// pickerClipboard is the system clipboard as the picker uses it. It
// remembers every value copied, so that close can take them all off the
// clipboard however the picker ended, and it refuses copies once closed,
// so that a copy still on its way when the picker quit cannot land after.
type pickerClipboard struct {
	cb         clipboard.Clipboard
	clearAfter time.Duration

	mu       sync.Mutex
	closed   bool
	copied   []string
	copiedAt time.Time
}

// errClipboardExpired is a value the clear helper took off the clipboard
// before the user pressed Enter.
var errClipboardExpired = errors.New("the clipboard was cleared before Enter was pressed: the value stays on it for --clear-after; run `sellervault open` again")

func (p *pickerClipboard) funcs() picker.Funcs {
	return picker.Funcs{Copy: p.copy, Holds: p.holds, Clear: p.clear, Wipe: p.wipe}
}

func (p *pickerClipboard) copy(value string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return errAborted
	}
	p.copied = append(p.copied, value)
	p.copiedAt = time.Now()
	return copyToClipboard(value, p.clearAfter)
}

// holds reports whether the clipboard still holds value. An empty
// clipboard after the clear timeout is the clear helper's doing, not
// another program's.
func (p *pickerClipboard) holds(value string) (bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	got, err := p.cb.Read()
	if err != nil {
		return false, err
	}
	if subtle.ConstantTimeCompare([]byte(got), []byte(value)) == 1 {
		return true, nil
	}
	if got == "" && p.clearAfter > 0 && time.Since(p.copiedAt) >= p.clearAfter {
		return false, errClipboardExpired
	}
	return false, nil
}

func (p *pickerClipboard) clear(value string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	_, _ = clipboard.ClearIfHolds(p.cb, value)
}

func (p *pickerClipboard) wipe() {
	p.mu.Lock()
	defer p.mu.Unlock()
	_ = p.cb.Write("")
}

// close ends copying and clears the clipboard if it holds any value the
// picker copied.
func (p *pickerClipboard) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	if len(p.copied) == 0 {
		return
	}
	got, err := p.cb.Read()
	if err != nil {
		_ = p.cb.Write("")
		return
	}
	for _, v := range p.copied {
		if subtle.ConstantTimeCompare([]byte(got), []byte(v)) == 1 {
			_ = p.cb.Write("")
			break
		}
	}
	p.copied = nil
}
