//go:build linux

package main

// The small terminal emulator (screenOf) that renders what
// TestOpenOnATerminal (open_pty_test.go) sees on the screen, and its test.

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// screenOf renders terminal output on a rows×cols screen and returns its
// lines, trailing blanks trimmed: a small emulator of the sequences a
// full-screen program uses (cursor movement, erasing, inserting and
// deleting, scrolling). Styling is ignored; entering the alternate screen
// starts a blank one.
func screenOf(out string, rows, cols int) string {
	s := &emulator{rows: rows, cols: cols, bottom: rows - 1}
	s.blank()
	p := ansi.NewParser()
	var state byte
	b := []byte(out)
	for len(b) > 0 {
		seq, width, n, next := ansi.DecodeSequence(b, state, p)
		state, b = next, b[n:]
		switch {
		case n == 0:
			b = b[1:]
		case width > 0:
			s.put(string(seq), width)
		case len(seq) == 1 && (seq[0] < 0x20 || seq[0] == 0x7f):
			s.control(seq[0])
		case ansi.HasCsiPrefix(seq):
			s.csi(ansi.Cmd(p.Command()), p)
		case len(seq) == 2 && seq[0] == ansi.ESC:
			s.esc(seq[1])
		}
	}
	lines := make([]string, rows)
	for y, row := range s.cells {
		lines[y] = strings.TrimRight(strings.Join(row, ""), " ")
	}
	return strings.TrimRight(strings.Join(lines, "\n"), "\n")
}

type emulator struct {
	rows, cols  int
	cells       [][]string
	y, x        int
	top, bottom int // the scrolling region
	savedY      int // the cursor saved by ESC 7
	savedX      int
	last        string
}

func (s *emulator) blank() {
	s.cells = make([][]string, s.rows)
	for y := range s.cells {
		s.cells[y] = s.blankLine()
	}
}

func (s *emulator) blankLine() []string {
	l := make([]string, s.cols)
	for i := range l {
		l[i] = " "
	}
	return l
}

func (s *emulator) put(g string, width int) {
	if s.x >= s.cols {
		s.x = 0
		s.lineFeed()
	}
	s.cells[s.y][s.x] = g
	for i := 1; i < width && s.x+i < s.cols; i++ {
		s.cells[s.y][s.x+i] = ""
	}
	s.x += width
	s.last = g
}

func (s *emulator) lineFeed() {
	if s.y == s.bottom {
		s.scrollUp(1)
	} else if s.y < s.rows-1 {
		s.y++
	}
}

func (s *emulator) control(c byte) {
	switch c {
	case '\r':
		s.x = 0
	case '\n', '\v', '\f':
		s.lineFeed()
	case '\b':
		s.x = max(0, s.x-1)
	case '\t':
		s.x = min(s.cols-1, (s.x/8+1)*8)
	}
}

// esc runs the two-byte escape sequences a renderer uses to move and
// scroll: ESC M (reverse index: up a line, scrolling down at the top of
// the region), ESC D (index), ESC E (next line), ESC 7 and ESC 8 (save
// and restore the cursor).
func (s *emulator) esc(c byte) {
	switch c {
	case 'M':
		if s.y == s.top {
			s.scrollDown(1)
		} else if s.y > 0 {
			s.y--
		}
	case 'D':
		s.lineFeed()
	case 'E':
		s.x = 0
		s.lineFeed()
	case '7':
		s.savedY, s.savedX = s.y, s.x
	case '8':
		s.y, s.x = s.savedY, s.savedX
	}
}

// scrollUp and scrollDown move the scrolling region's lines by n.
func (s *emulator) scrollUp(n int) {
	for range n {
		copy(s.cells[s.top:s.bottom], s.cells[s.top+1:s.bottom+1])
		s.cells[s.bottom] = s.blankLine()
	}
}

func (s *emulator) scrollDown(n int) {
	for range n {
		copy(s.cells[s.top+1:s.bottom+1], s.cells[s.top:s.bottom])
		s.cells[s.top] = s.blankLine()
	}
}

func (s *emulator) erase(y, from, to int) {
	for x := max(0, from); x < min(s.cols, to); x++ {
		s.cells[y][x] = " "
	}
}

func (s *emulator) csi(cmd ansi.Cmd, p *ansi.Parser) {
	n, _ := p.Param(0, 1)
	n = max(n, 1)
	clampY := func(y int) int { return max(0, min(s.rows-1, y)) }
	clampX := func(x int) int { return max(0, min(s.cols-1, x)) }
	if cmd.Prefix() == '?' {
		if v, _ := p.Param(0, 0); v == 1049 && cmd.Final() == 'h' {
			s.blank()
			s.y, s.x = 0, 0
		}
		return
	}
	if cmd.Prefix() != 0 || cmd.Intermediate() != 0 {
		return
	}
	switch cmd.Final() {
	case 'A':
		s.y = clampY(s.y - n)
	case 'B', 'e':
		s.y = clampY(s.y + n)
	case 'C', 'a':
		s.x = clampX(s.x + n)
	case 'D':
		s.x = clampX(s.x - n)
	case 'E':
		s.y, s.x = clampY(s.y+n), 0
	case 'F':
		s.y, s.x = clampY(s.y-n), 0
	case 'G', '`':
		s.x = clampX(n - 1)
	case 'd':
		s.y = clampY(n - 1)
	case 'H', 'f':
		col, _ := p.Param(1, 1)
		s.y, s.x = clampY(n-1), clampX(max(col, 1)-1)
	case 'J':
		switch m, _ := p.Param(0, 0); m {
		case 0:
			s.erase(s.y, s.x, s.cols)
			for y := s.y + 1; y < s.rows; y++ {
				s.erase(y, 0, s.cols)
			}
		case 1:
			s.erase(s.y, 0, s.x+1)
			for y := 0; y < s.y; y++ {
				s.erase(y, 0, s.cols)
			}
		default:
			s.blank()
		}
	case 'K':
		switch m, _ := p.Param(0, 0); m {
		case 0:
			s.erase(s.y, s.x, s.cols)
		case 1:
			s.erase(s.y, 0, s.x+1)
		default:
			s.erase(s.y, 0, s.cols)
		}
	case 'X':
		s.erase(s.y, s.x, s.x+n)
	case 'b':
		for range n {
			s.put(s.last, 1)
		}
	case '@':
		row := s.cells[s.y]
		n = min(n, s.cols-s.x)
		copy(row[s.x+n:], row[s.x:s.cols-n])
		s.erase(s.y, s.x, s.x+n)
	case 'P':
		row := s.cells[s.y]
		n = min(n, s.cols-s.x)
		copy(row[s.x:], row[s.x+n:])
		s.erase(s.y, s.cols-n, s.cols)
	case 'L', 'M':
		if s.y < s.top || s.y > s.bottom {
			return
		}
		top := s.top
		s.top = s.y
		if cmd.Final() == 'L' {
			s.scrollDown(n)
		} else {
			s.scrollUp(n)
		}
		s.top = top
	case 'S':
		s.scrollUp(n)
	case 'T':
		s.scrollDown(n)
	case 'r':
		top, _ := p.Param(0, 1)
		bottom, _ := p.Param(1, s.rows)
		s.top, s.bottom = clampY(max(top, 1)-1), clampY(max(bottom, 1)-1)
		s.y, s.x = 0, 0
	}
}

// TestScreenOfEscapes: the emulator follows the two-byte escapes that
// Bubble Tea's renderer sends when a busy machine coalesces frames (a
// reverse index, then inserted lines): a missed ESC M left the screen a
// line off and the picker test waiting for a step that was shown.
func TestScreenOfEscapes(t *testing.T) {
	for _, c := range []struct{ name, out, want string }{
		{"reverse index moves up", "A\r\nB\r\nC\x1b[3;1H\x1bMX", "A\nX\nC"},
		{"reverse index at the top scrolls down", "A\r\nB\x1b[1;1H\x1bMX", "X\nA\nB"},
		{"index and next line", "A\x1bDB\x1bEC", "A\n B\nC"},
		{"save and restore", "A\x1b7\r\nB\x1b8C", "AC\nB"},
		{"as the renderer sent it", "title\r\nurl\r\n\r\n  reading …\x1b[K\r\n\r\nkeys\r\x1bM\x1b[2L\x1bM> login  copying\r\n  password\r\n  code\x1b[4;18Hon the clipboard",
			"title\nurl\n\n> login  copying on the clipboard\n  password\n  code\n\nkeys"},
	} {
		if got := screenOf(c.out, 8, 40); got != c.want {
			t.Errorf("%s: screen\n%q\nwant\n%q", c.name, got, c.want)
		}
	}
}
