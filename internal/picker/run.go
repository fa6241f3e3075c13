package picker

import (
	"context"
	"io"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
)

// Run shows the picker on a terminal, reading keys from in and drawing on
// out, until the session ends, and returns its result. environ is the
// environment the terminal's capabilities are read from (TERM, NO_COLOR
// and the like). When ctx ends, or the program is interrupted, the
// session ends as Quit and Run returns the error; the terminal is
// restored either way. Clearing the clipboard after an interruption is
// the caller's: the model may not have had the chance. extra options go
// to the program last (tests give a window size where there is no
// terminal).
func Run(ctx context.Context, m Model, in io.Reader, out io.Writer, environ []string, extra ...tea.ProgramOption) (Result, error) {
	opts := []tea.ProgramOption{tea.WithContext(ctx), tea.WithInput(in), tea.WithOutput(out), tea.WithEnvironment(environ)}
	if noColor(environ) {
		opts = append(opts, tea.WithColorProfile(colorprofile.ASCII))
	}
	opts = append(opts, extra...)
	final, err := tea.NewProgram(m, opts...).Run()
	res := m.Result()
	if fm, ok := final.(Model); ok {
		res = fm.Result()
	}
	if err != nil {
		res.Outcome, res.Err = Quit, err
	}
	return res, err
}

// noColor reports whether NO_COLOR is set to anything but "": the
// convention (no-color.org) is that any value turns colours off, where
// the terminal library alone reads only "true"-like values.
func noColor(environ []string) bool {
	for _, kv := range environ {
		if v, ok := strings.CutPrefix(kv, "NO_COLOR="); ok && v != "" {
			return true
		}
	}
	return false
}
