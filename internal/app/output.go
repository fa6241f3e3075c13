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

// writeJSON writes v to stdout as indented JSON.
func (e *Env) writeJSON(v interface{}) error {
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
	switch s.format {
	case "json":
		if rv := reflect.ValueOf(v); rv.Kind() == reflect.Slice && rv.IsNil() {
			v = []struct{}{} // a list of nothing is [], not null
		}
		return s.env.writeJSON(v)
	case "csv":
		w := csv.NewWriter(s.env.Stdout)
		if header != nil {
			_ = w.Write(header)
		}
		_ = w.WriteAll(rows) // flushes, and reports the first error
		return w.Error()
	}
	return s.env.writeTable(header, rows)
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
