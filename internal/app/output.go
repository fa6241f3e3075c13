package app

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"strings"
	"text/tabwriter"

	"github.com/sellervault/sellervault/internal/connect"
)

// Env is the process's world as Main sees it.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer

	vaultAddr string        // the address in use, for hints
	conn      *connect.Conn // the connection in use, to tell why a request was refused
}

// say writes a message for people to stderr, prefixed "sellervault:".
func (e *Env) say(format string, args ...interface{}) {
	fmt.Fprintf(e.Stderr, "sellervault: "+format+"\n", args...)
}

// writeJSON writes v to stdout as indented JSON; a nil list is written
// as [], not null.
func (e *Env) writeJSON(v interface{}) error {
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Slice && rv.IsNil() {
		v = []struct{}{}
	}
	enc := json.NewEncoder(e.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// render is the one renderer of what a command shows, in the session's
// --format: json writes v, whose type (defined beside the command that
// builds it) is the JSON shape; csv writes the header and rows as CSV
// (for the commands that accept it); table writes them as aligned
// columns. A nil list is written as [] in JSON.
func (s *session) render(v any, header []string, rows [][]string) error {
	return s.env.render(s.format, v, header, rows)
}

// report renders a command's report: v as JSON with --format json, else
// the text that text writes (a report read by people, not a table).
func (s *session) report(v any, text func() error) error {
	return s.env.report(s.format, v, text)
}

// render is session.render for the commands that need no connection
// (check, redact): format is their --format.
func (e *Env) render(format string, v any, header []string, rows [][]string) error {
	switch format {
	case "json":
		return e.writeJSON(v)
	case "csv":
		w := csv.NewWriter(e.Stdout)
		if header != nil {
			_ = w.Write(header)
		}
		_ = w.WriteAll(rows) // flushes, and reports the first error
		return w.Error()
	}
	return e.writeTable(header, rows)
}

// report is session.report for the commands that need no connection.
func (e *Env) report(format string, v any, text func() error) error {
	if format == "json" {
		return e.writeJSON(v)
	}
	return text()
}

// writeTable writes rows as aligned columns; header may be nil.
func (e *Env) writeTable(header []string, rows [][]string) error {
	return writeTable(e.Stdout, header, rows)
}

// writeTable writes rows as aligned columns to w.
func writeTable(w io.Writer, header []string, rows [][]string) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	if header != nil {
		fmt.Fprintln(tw, strings.Join(header, "\t"))
	}
	for _, row := range rows {
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	return tw.Flush()
}
