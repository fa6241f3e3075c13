package app

import (
	"encoding/json"
	"fmt"
	"io"
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
