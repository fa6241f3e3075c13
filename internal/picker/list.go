package picker

import "strings"

// setQuery changes the filter and selects the best match.
func (m *Model) setQuery(q string) {
	m.query = q
	m.refilter()
}

func (m *Model) refilter() {
	m.matches = Filter(m.entries, m.query)
	m.cursor, m.offset = 0, 0
}

// move moves the selection by n, stopping at the ends.
func (m *Model) move(n int) {
	m.cursor = max(0, min(len(m.matches)-1, m.cursor+n))
	m.scroll()
}

// scroll keeps the selection in view.
func (m *Model) scroll() {
	rows := m.rows()
	if m.cursor < m.offset {
		m.offset = m.cursor
	}
	if m.cursor >= m.offset+rows {
		m.offset = m.cursor - rows + 1
	}
	m.offset = max(0, m.offset)
}

// rows is how many entries the list shows at once: the window's height
// less the lines around the list, or 10 before the size is known.
func (m Model) rows() int {
	if m.height == 0 {
		return 10
	}
	return max(1, m.height-chromeLines)
}

// oneLine makes pasted text fit the one-line filter.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
