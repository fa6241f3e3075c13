package app

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/sellervault/sellervault/internal/clipboard"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/secretin"
)

// secretFileFlag is how a secret comes from a file. No flag ever takes a
// secret value itself.
var secretFileFlag = &cli.StringFlag{Name: "secret-file", Usage: "read the secret from `PATH` (else a no-echo prompt, or stdin when it is not a terminal)"}

// readSecret reads one secret from --secret-file, the terminal or stdin.
func (s *session) readSecret(c *cli.Context, prompt string, confirm, allowEmpty bool) (string, error) {
	return s.readSecretFrom(c.String("secret-file"), prompt, confirm, allowEmpty)
}

// readSecretFrom reads one secret from file (when not ""), the terminal
// or stdin; what the user got wrong is a usage error.
func (s *session) readSecretFrom(file, prompt string, confirm, allowEmpty bool) (string, error) {
	value, err := secretin.Read(secretin.Source{Stdin: s.env.Stdin, Stderr: s.env.Stderr, File: file},
		secretin.Options{Prompt: prompt, Confirm: confirm, AllowEmpty: allowEmpty})
	switch {
	case errors.Is(err, secretin.ErrAborted):
		return "", errAborted
	case errors.Is(err, secretin.ErrEmpty), errors.Is(err, secretin.ErrMismatch), errors.Is(err, secretin.ErrTooLong),
		errors.Is(err, secretin.ErrControl), errors.Is(err, secretin.ErrNotUTF8):
		return "", usageError{err}
	}
	return value, err
}

// retrievalFlags are the flags of every `get` command.
func retrievalFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "field", Usage: "show only `FIELD` (e.g. password, login, url)"},
		&cli.BoolFlag{Name: "copy", Usage: "copy the field (default: the secret) to the clipboard, verify it, and clear it later"},
		&cli.BoolFlag{Name: "reveal", Usage: "print the field (default: the secret) raw, for scripts"},
		&cli.DurationFlag{Name: "clear-after", Value: 45 * time.Second, Usage: "clear the clipboard after this long (0: never)"},
	}
}

// recordView is the JSON form of a shown record.
type recordView struct {
	Record string            `json:"record"`
	Kind   string            `json:"kind"`
	Fields map[string]string `json:"fields"`
}

// showRecord prints a record with secrets masked, or one field of it, or
// copies or reveals one field, as the retrieval flags ask.
func (s *session) showRecord(c *cli.Context, kind, id string, fields []records.Field) error {
	copyIt, reveal := c.Bool("copy"), c.Bool("reveal")
	if copyIt && reveal {
		return usagef("--copy and --reveal: choose one")
	}
	name := c.String("field")
	if name == "" && (copyIt || reveal) {
		name = secretFieldName(fields)
	}
	if name == "" {
		return s.printFields(kind, id, records.Display(fields))
	}
	field, ok := records.FieldNamed(fields, name)
	if !ok {
		return usagef("%s has no field %q: use one of %s", kind, name, fieldNames(fields))
	}
	switch {
	case copyIt:
		clearAfter := c.Duration("clear-after")
		if err := copyToClipboard(field.Value, clearAfter); err != nil {
			return err
		}
		if clearAfter > 0 {
			s.env.say("copied %s of %s to the clipboard; it is cleared in %s", field.Name, id, clearAfter)
		} else {
			s.env.say("copied %s of %s to the clipboard", field.Name, id)
		}
		return nil
	case reveal:
		_, err := fmt.Fprintln(s.env.Stdout, field.Value)
		return err
	}
	return s.printFields(kind, id, records.Display([]records.Field{field}))
}

func (s *session) printFields(kind, id string, fields []records.Field) error {
	view := recordView{Record: id, Kind: kind, Fields: map[string]string{}}
	rows := make([][]string, 0, len(fields))
	for _, f := range fields {
		view.Fields[f.Name] = f.Value
		rows = append(rows, []string{f.Name, orDash(f.Value)})
	}
	return s.render(view, nil, rows)
}

func secretFieldName(fields []records.Field) string {
	for _, f := range fields {
		if f.Secret {
			return f.Name
		}
	}
	return ""
}

func fieldNames(fields []records.Field) string {
	names := ""
	for i, f := range fields {
		if i > 0 {
			names += ", "
		}
		names += f.Name
	}
	return names
}

// parsed turns a parser's error into a usage error.
func parsed[T any](v T, err error) (T, error) {
	if err != nil {
		return v, usageError{err}
	}
	return v, nil
}

// copyToClipboard copies a value with read-back and a later clear. The
// Vault token has been read into the client by now: it is dropped from
// the environment first, so that neither the process that serves the
// clipboard (sellervault's X11 owner, or a clipboard tool) nor the clear
// helper inherits it.
func copyToClipboard(value string, clearAfter time.Duration) error {
	os.Unsetenv("VAULT_TOKEN")
	return clipboard.Copy(clipboard.System(), value, clearAfter, clipboardHelperStarter())
}
