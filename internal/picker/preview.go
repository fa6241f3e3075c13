package picker

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Preview is the list screen the picker opens on, for entries with query
// typed, as plain text (no colours, no cursor) width columns wide and
// height lines high (0: high enough for every match). It is
// the picker's non-interactive form: `sellervault open --preview` prints
// it where there is no terminal, and it copies nothing.
func Preview(entries []Entry, query string, width, height int) string {
	m := New(entries, Funcs{})
	if height <= 0 {
		height = len(entries) + chromeLines
	}
	m.width, m.height = width, height
	m.setQuery(oneLine(query))
	lines := m.listLines()
	for i, l := range lines {
		l = ansi.Strip(l)
		if width > 0 {
			l = ansi.Truncate(l, width, "…")
		}
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n") + "\n"
}
