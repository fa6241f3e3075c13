package app

import (
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

// readmePath is README.md, relative to this package's directory.
const readmePath = "../../README.md"

// readmeTableHeader opens README.md's command table.
const readmeTableHeader = "| command | what it does |"

// TestREADMECommandTable keeps README.md's command table and the command
// tree in step: every command the table names exists, and every command
// and subcommand people can run (not Hidden) has a row in the table.
func TestREADMECommandTable(t *testing.T) {
	readme, err := os.ReadFile(readmePath)
	if err != nil {
		t.Fatalf("read %s: %v", readmePath, err)
	}
	env, _, _ := testEnv()
	app := newApp(env)

	documented, unknown, malformed, err := readmeCommandPaths(string(readme), app.Commands)
	if err != nil {
		t.Fatalf("%s: %v", readmePath, err)
	}
	if len(documented) == 0 {
		t.Fatalf("%s: the command table names no command", readmePath)
	}
	undocumented := undocumentedCommands(app.Commands, documented)

	var msg strings.Builder
	if len(malformed) > 0 {
		fmt.Fprintf(&msg, "\nREADME.md's command table has rows that are not 2 cells (escape a | inside `code` as \\|):\n")
		for _, m := range malformed {
			fmt.Fprintf(&msg, "  %s\n", m)
		}
	}
	if len(unknown) > 0 {
		fmt.Fprintf(&msg, "\nREADME.md's command table names commands the app does not have:\n")
		for _, u := range unknown {
			fmt.Fprintf(&msg, "  %s\n", u)
		}
	}
	if len(undocumented) > 0 {
		fmt.Fprintf(&msg, "\ncommands missing from README.md's command table (add a row for each):\n")
		for _, u := range undocumented {
			fmt.Fprintf(&msg, "  sellervault %s\n", u)
		}
	}
	if msg.Len() > 0 {
		t.Errorf("README.md command table and command tree differ:%s", msg.String())
	}
}

// readmeTableFirstCells returns the first cell of each row of the table
// opened by readmeTableHeader, with its line number, and the rows that do
// not have the header's 2 cells: GitHub leaves out the cells after the
// second, so an unescaped | in a row loses its description.
func readmeTableFirstCells(readme string) (cells []tableCell, malformed []string, err error) {
	lines := strings.Split(readme, "\n")
	start := -1
	for i, line := range lines {
		if normalizeRow(line) == readmeTableHeader {
			start = i
			break
		}
	}
	if start < 0 {
		return nil, nil, fmt.Errorf("no command table: no line %q", readmeTableHeader)
	}
	for i := start + 1; i < len(lines); i++ {
		line := strings.TrimSpace(lines[i])
		if !strings.HasPrefix(line, "|") {
			break
		}
		if strings.Trim(line, "|-: ") == "" { // the delimiter row
			continue
		}
		cols := splitRow(line)
		if len(cols) != 2 {
			malformed = append(malformed, fmt.Sprintf("README.md:%d: %d cells: %.100s…", i+1, len(cols), line))
		}
		cells = append(cells, tableCell{line: i + 1, text: cols[0]})
	}
	if len(cells) == 0 {
		return nil, nil, fmt.Errorf("the command table after line %d has no rows", start+1)
	}
	return cells, malformed, nil
}

type tableCell struct {
	line int
	text string
}

// normalizeRow collapses the spaces of a table row, so that the header is
// found however its cells are padded.
func normalizeRow(line string) string {
	cols := splitRow(strings.TrimSpace(line))
	if cols == nil {
		return ""
	}
	return "| " + strings.Join(cols, " | ") + " |"
}

// splitRow splits a Markdown table row into its trimmed cells; an escaped
// pipe (\|) stays inside its cell, as GitHub renders it.
func splitRow(line string) []string {
	if !strings.HasPrefix(line, "|") {
		return nil
	}
	line = strings.TrimPrefix(line, "|")
	var cells []string
	var cur strings.Builder
	for i := 0; i < len(line); i++ {
		switch {
		case line[i] == '\\' && i+1 < len(line) && line[i+1] == '|':
			cur.WriteString(`\|`)
			i++
		case line[i] == '|':
			cells = append(cells, strings.TrimSpace(cur.String()))
			cur.Reset()
		default:
			cur.WriteByte(line[i])
		}
	}
	if rest := strings.TrimSpace(cur.String()); rest != "" {
		cells = append(cells, rest)
	}
	return cells
}

var (
	codeSpan    = regexp.MustCompile("`([^`]*)`")
	commandWord = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
)

// readmeCommandPaths returns the command paths (e.g. "cred history") named
// in the first column of README.md's command table, each with every
// prefix of it ("cred"), the names there that are not commands of the
// tree, and the rows that are not 2 cells.
//
// In a cell, a code span opening with `sellervault` names a command from
// the root; a later span may leave out `sellervault` (`store list`, `cred
// history`), and is then read from the root or, when its first word is no
// top-level command, under the parent of the cell's first command. Words
// are command words while the tree has such a subcommand at that point;
// the first other word is an argument or a flag. A span whose first word
// is not a lowercase word (`-`, `[--offline]`, `sellervault` alone) is
// part of the usage and names nothing.
func readmeCommandPaths(readme string, root []*cli.Command) (paths map[string]bool, unknown, malformed []string, err error) {
	cells, malformed, err := readmeTableFirstCells(readme)
	if err != nil {
		return nil, nil, nil, err
	}
	paths = map[string]bool{}
	for _, cell := range cells {
		var parent []string // path of the parent of the cell's first command
		first := true
		for _, m := range codeSpan.FindAllStringSubmatch(cell.text, -1) {
			words := strings.Fields(strings.ReplaceAll(m[1], `\|`, "|"))
			prefixed := len(words) > 0 && words[0] == "sellervault"
			if prefixed {
				words = words[1:]
			}
			if len(words) == 0 || !commandWord.MatchString(words[0]) {
				continue
			}
			if !prefixed && first {
				unknown = append(unknown, fmt.Sprintf("README.md:%d: `%s`: the row's first command does not start with `sellervault`", cell.line, m[1]))
				continue
			}
			var base []string
			if !prefixed && findCommand(root, words[0]) == nil {
				base = parent
			}
			path, problem := resolveCommandPath(root, base, words)
			if problem != "" {
				unknown = append(unknown, fmt.Sprintf("README.md:%d: `%s`: %s", cell.line, m[1], problem))
				continue
			}
			for i := range path {
				paths[strings.Join(path[:i+1], " ")] = true
			}
			if first {
				parent = path[:len(path)-1]
				first = false
			}
		}
	}
	return paths, unknown, malformed, nil
}

// resolveCommandPath walks words down the command tree from the command
// at path base (the root when base is empty) and returns the canonical
// names, from the root, of the deepest command it reaches, or what is
// wrong when the words name no command.
func resolveCommandPath(root []*cli.Command, base, words []string) ([]string, string) {
	cmds := root
	for _, name := range base {
		cmds = findCommand(cmds, name).Subcommands
	}
	names := append([]string(nil), base...)
	var cmd *cli.Command
	for _, w := range words {
		if !commandWord.MatchString(w) {
			break
		}
		next := findCommand(cmds, w)
		if next == nil {
			if cmd == nil {
				return nil, fmt.Sprintf("no command %q", strings.Join(append(names, w), " "))
			}
			if len(cmd.Subcommands) > 0 {
				// a command with subcommands takes no arguments
				return nil, fmt.Sprintf("%q has no subcommand %q", strings.Join(names, " "), w)
			}
			break
		}
		cmd = next
		names = append(names, next.Name)
		cmds = next.Subcommands
	}
	return names, ""
}

// undocumentedCommands walks the tree and returns the full path of every
// command that is not Hidden and not in documented. urfave/cli's own
// "help" command (and its "h" alias) counts only when README.md documents
// it.
func undocumentedCommands(cmds []*cli.Command, documented map[string]bool) []string {
	var missing []string
	var walk func([]*cli.Command, []string)
	walk = func(cmds []*cli.Command, prefix []string) {
		for _, c := range cmds {
			if c.Hidden {
				continue
			}
			path := strings.Join(append(append([]string(nil), prefix...), c.Name), " ")
			if (c.Name == "help" || c.Name == "h") && !documented[path] {
				continue
			}
			if !documented[path] {
				missing = append(missing, path)
			}
			walk(c.Subcommands, append(append([]string(nil), prefix...), c.Name))
		}
	}
	walk(cmds, nil)
	sort.Strings(missing)
	return missing
}
