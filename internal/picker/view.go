package picker

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/sellervault/sellervault/internal/records"
)

// chromeLines is how many lines the list screen uses besides the entries:
// title, filter, two blank lines, the count and the help line.
const chromeLines = 6

// Styles. Colours are dropped where the terminal has none or NO_COLOR is
// set; the "> " marker shows the selection without them. They are made
// when drawn (a Style is a plain value, cheap to make), not at every start
// of the CLI.
func titleStyle() lipgloss.Style {
	return lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color("12"))
}
func selectedStyle() lipgloss.Style {
	return lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color("13"))
}
func dimStyle() lipgloss.Style  { return lipgloss.NewStyle().Foreground(lipgloss.Color("8")) }
func doneStyle() lipgloss.Style { return lipgloss.NewStyle().Foreground(lipgloss.Color("10")) }
func hintStyle() lipgloss.Style { return lipgloss.NewStyle().Foreground(lipgloss.Color("11")) }

// View draws the list or the walk in the alternate screen. It shows
// STORE/NAME, URLs and field names; every value is records.Masked.
func (m Model) View() tea.View {
	var lines []string
	var cursor *tea.Cursor
	if m.state == stateList {
		lines = m.listLines()
		cursor = tea.NewCursor(ansi.StringWidth(lines[1]), 1)
	} else {
		lines = m.walkLines()
	}
	if m.width > 0 {
		for i, l := range lines {
			lines[i] = ansi.Truncate(l, m.width, "…")
		}
	}
	v := tea.NewView(strings.Join(lines, "\n"))
	v.AltScreen = true
	v.Cursor = cursor
	v.WindowTitle = "sellervault"
	return v
}

// listLines is the list screen: title, filter, the entries in view, the
// count and the keys.
func (m Model) listLines() []string {
	lines := []string{titleStyle().Render("sellervault · pick a credential"), "filter: " + m.query, ""}
	end := min(len(m.matches), m.offset+m.rows())
	width := 0
	for _, i := range m.matches[m.offset:end] {
		width = max(width, ansi.StringWidth(m.entries[i].Address))
	}
	for n, i := range m.matches[m.offset:end] {
		e := m.entries[i]
		row := e.Address + strings.Repeat(" ", width-ansi.StringWidth(e.Address))
		if e.URL != "" {
			row += "  " + dimStyle().Render(e.URL)
		}
		if e.HasCode {
			row += "  " + hintStyle().Render("2fa")
		}
		if m.offset+n == m.cursor {
			lines = append(lines, selectedStyle().Render("> ")+selectedStyle().Render(e.Address)+row[len(e.Address):])
		} else {
			lines = append(lines, "  "+row)
		}
	}
	switch {
	case len(m.entries) == 0:
		lines = append(lines, "  no credentials you may use")
	case len(m.matches) == 0:
		lines = append(lines, "  nothing matches "+fmt.Sprintf("%q", m.query))
	}
	lines = append(lines, "", dimStyle().Render(fmt.Sprintf("%d of %d credentials", len(m.matches), len(m.entries))), helpLine(listHelp()))
	return lines
}

// walkLines is the walk screen: the credential, one line per step with
// its state, and the keys.
func (m Model) walkLines() []string {
	lines := []string{titleStyle().Render("sellervault · " + m.entry.Address)}
	if m.entry.URL != "" {
		lines = append(lines, dimStyle().Render(m.entry.URL))
	}
	lines = append(lines, "")
	if m.state == stateOpening {
		lines = append(lines, "  reading the credential …")
	}
	width := len(codeStep)
	for _, s := range m.steps {
		width = max(width, len(s.Name))
	}
	for i, s := range m.steps {
		name := s.Name + strings.Repeat(" ", width-len(s.Name))
		switch {
		case i < m.step || (i == m.step && m.state == stateEnded && m.result.Outcome == Done):
			lines = append(lines, "  "+name+"  "+records.Masked+"  "+doneStyle().Render("pasted"))
		case i == m.step:
			lines = append(lines, selectedStyle().Render("> "+name)+"  "+records.Masked+"  "+m.stepStatus())
		default:
			lines = append(lines, dimStyle().Render("  "+name+"  next"))
		}
	}
	return append(lines, "", helpLine(walkHelp()))
}

// stepStatus says what is happening at the current step.
func (m Model) stepStatus() string {
	var s string
	switch m.state {
	case stateCopying:
		s = "copying …"
	case stateWaiting:
		s = hintStyle().Render("on the clipboard: paste it, then press Enter")
	case stateChecking:
		s = "checking the clipboard …"
	case stateEnded:
		s = "stopped"
	}
	if m.steps[m.step].Name == codeStep && m.period > 0 && (m.state == stateWaiting || m.state == stateChecking) {
		s += fmt.Sprintf(" · %d s left", m.secondsLeft())
	}
	return s
}

// secondsLeft is how long the code on the clipboard stays valid.
func (m Model) secondsLeft() int {
	p := int64(m.period)
	left := p - m.now.Unix()%p
	if m.now.Unix()/p != m.counter {
		return 0 // rolled over; the new code is on its way
	}
	return int(left)
}

// helpLine renders key bindings as one line.
func helpLine(bindings []key.Binding) string {
	h := help.New()
	return h.ShortHelpView(bindings)
}
