package app

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"filippo.io/age"
	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/sellervault/sellervault/internal/backup"
	"github.com/sellervault/sellervault/internal/backuprun"
	"github.com/sellervault/sellervault/internal/connect"
	"github.com/sellervault/sellervault/internal/repo"
	"github.com/sellervault/sellervault/internal/secretin"
)

// passphraseFlags: a passphrase comes from a no-echo prompt, stdin or a
// file, never from a flag value or the environment.
func passphraseFlags(what string) []cli.Flag {
	return []cli.Flag{
		&cli.BoolFlag{Name: "passphrase", Usage: what + " a passphrase: from a no-echo prompt, stdin (one line) or --passphrase-file"},
		&cli.StringFlag{Name: "passphrase-file", Usage: "read the passphrase from `PATH` (implies --passphrase)"},
	}
}

func backupCommand(env *Env) *cli.Command {
	return &cli.Command{
		Name:  "backup",
		Usage: "write every record, values included, to an age-encrypted file",
		Description: `Reads every live record of the team's KV mounts (stores, credentials with
pending passwords, mailboxes, phones, payout records and change requests,
staff records, team settings), with its custom metadata, and writes them
encrypted with age: to one or more age public keys (--recipient,
--recipients-file), or to a passphrase (--passphrase). The file goes to -o
FILE (created with mode 600, never overwritten) or to stdout, but never to
a terminal.

Not in a backup, and said so: deleted records, the reminder job's notes,
the redaction index (rebuilt by ` + "`sellervault redact --reindex`" + `), TOTP
seeds (Vault cannot export them: the backup lists the credentials whose
key must be enrolled again) and logins (the backup lists the people to
onboard again). Restore it with ` + "`sellervault restore FILE`" + `.`,
		Flags: append([]cli.Flag{
			&cli.StringSliceFlag{Name: "recipient", Aliases: []string{"r"}, Usage: "encrypt to the age public key `AGE_PUBLIC_KEY` (age1…; repeatable)"},
			&cli.StringSliceFlag{Name: "recipients-file", Aliases: []string{"R"}, Usage: "encrypt to the age public keys in `PATH`, one a line (repeatable)"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the backup to `FILE` (default: stdout, if it is not a terminal)"},
		}, passphraseFlags("encrypt to")...),
		Action: env.withRepo(func(c *cli.Context, s *session, r *repo.Repo) error {
			recipients, sealedTo, err := s.backupRecipients(c)
			if err != nil {
				return err
			}
			out, finish, err := env.backupOutput(c.String("output"))
			if err != nil {
				return err
			}
			doc, dump, err := backuprun.Dump(c.Context, connect.BackupDeps(r), backuprun.DumpOptions{Version: version()})
			if err == nil {
				err = backup.Seal(out, doc, recipients...)
			}
			if err = finish(err); err != nil {
				return err
			}
			return s.reportBackup(c.String("output"), sealedTo, doc, dump)
		}),
	}
}

// backupRecipients reads the recipients, or the passphrase (asked twice
// on a terminal); sealedTo says which, for the report.
func (s *session) backupRecipients(c *cli.Context) ([]age.Recipient, string, error) {
	keys, files := c.StringSlice("recipient"), c.StringSlice("recipients-file")
	usePass := c.Bool("passphrase") || c.IsSet("passphrase-file")
	switch {
	case usePass && (len(keys) > 0 || len(files) > 0):
		return nil, "", usagef("--passphrase cannot be combined with --recipient or --recipients-file: age seals a file to a passphrase alone")
	case usePass:
		pass, err := s.readPassphrase(c, "passphrase for the backup: ", true)
		if err != nil {
			return nil, "", err
		}
		if utf8.RuneCountInString(pass) < 12 {
			s.env.say("warning: the passphrase is short (%d characters): anyone who gets the file can try to guess it offline; prefer a long one, or age keys", utf8.RuneCountInString(pass))
		}
		rec, err := backup.PassphraseRecipient(pass, backup.PassphraseWorkFactor)
		if err != nil {
			return nil, "", usageError{err}
		}
		return []age.Recipient{rec}, "a passphrase", nil
	case len(keys) == 0 && len(files) == 0:
		return nil, "", usagef("say who can open the backup: --recipient AGE_PUBLIC_KEY, --recipients-file PATH or --passphrase")
	}
	var out []age.Recipient
	for _, k := range keys {
		rec, err := backup.ParseRecipient(k)
		if err != nil {
			return nil, "", usageError{fmt.Errorf("--recipient: %w", err)}
		}
		out = append(out, rec)
	}
	for _, path := range files {
		f, err := os.Open(path)
		if err != nil {
			return nil, "", usageError{fmt.Errorf("--recipients-file: %w", err)}
		}
		recs, err := backup.ParseRecipientsFile(f)
		f.Close()
		if err != nil {
			return nil, "", usageError{fmt.Errorf("--recipients-file %s: %w", path, err)}
		}
		out = append(out, recs...)
	}
	return out, plural(len(out), "age recipient"), nil
}

// readPassphrase reads a passphrase from --passphrase-file, the terminal
// or stdin, through secretin.
func (s *session) readPassphrase(c *cli.Context, prompt string, confirm bool) (string, error) {
	pass, err := secretin.Read(secretin.Source{Stdin: s.env.Stdin, Stderr: s.env.Stderr, File: c.String("passphrase-file")},
		secretin.Options{Prompt: prompt, Confirm: confirm})
	switch {
	case errors.Is(err, secretin.ErrAborted):
		return "", errAborted
	case errors.Is(err, secretin.ErrEmpty):
		return "", usagef("the passphrase is empty; type it at the prompt, pipe it on standard input, or name a file with --passphrase-file")
	case errors.Is(err, secretin.ErrMismatch), errors.Is(err, secretin.ErrTooLong),
		errors.Is(err, secretin.ErrControl), errors.Is(err, secretin.ErrNotUTF8):
		return "", usageError{err}
	}
	return pass, err
}

// backupOutput opens where the backup goes: a new file (mode 600, never
// one that exists), or stdout unless it is a terminal. finish closes it,
// and removes a file whose backup failed.
func (e *Env) backupOutput(path string) (io.Writer, func(error) error, error) {
	if path == "" || path == "-" {
		if f, ok := e.Stdout.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			return nil, nil, usagef("refusing to write an encrypted backup to a terminal: use -o FILE, or redirect stdout to a file")
		}
		return e.Stdout, func(err error) error { return err }, nil
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return nil, nil, usagef("%s exists: choose another name (a backup never overwrites a file)", path)
	}
	if err != nil {
		return nil, nil, err
	}
	return f, func(err error) error {
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(path)
		}
		return err
	}, nil
}

// backupView is the JSON report of a backup (never a value).
type backupView struct {
	Team           string         `json:"team"`
	File           string         `json:"file"`
	SealedTo       string         `json:"sealed_to"`
	Records        map[string]int `json:"records"`
	DeletedSkipped int            `json:"deleted_skipped"`
	NotBackedUp    []string       `json:"not_backed_up"`
	ReminderNotes  int            `json:"reminder_notes_skipped"`
	RedactIndex    int            `json:"redaction_index_entries_skipped"`
	TOTPReenrol    []string       `json:"totp_reenrol"`
	TOTPEscrowed   []string       `json:"totp_escrowed"`
	Onboard        []string       `json:"onboard_again"`
}

func (s *session) reportBackup(file, sealedTo string, doc *backup.Document, dump *backuprun.DumpReport) error {
	env := s.env
	v := backupView{Team: doc.Team, File: file, SealedTo: sealedTo, Records: doc.Counts(), DeletedSkipped: doc.DeletedSkipped,
		NotBackedUp: append(append([]string{}, dump.Unknown...), dump.MetadataOnly...), ReminderNotes: dump.Notes,
		RedactIndex: dump.IndexEntries, TOTPReenrol: []string{}, TOTPEscrowed: []string{}, Onboard: []string{}}
	if v.File == "" {
		v.File = "-"
	}
	escrowed := map[string]bool{}
	for _, rec := range doc.Records {
		if backup.Kind(rec.Path) == "totp-escrow" {
			escrowed[backup.CredentialAddress(rec.Path)] = true
		}
	}
	for _, k := range doc.TOTPReenrol {
		if escrowed[k.Credential] {
			v.TOTPEscrowed = append(v.TOTPEscrowed, k.Credential)
		} else {
			v.TOTPReenrol = append(v.TOTPReenrol, k.Credential)
		}
	}
	for _, p := range doc.Staff {
		if p.Status == "active" {
			v.Onboard = append(v.Onboard, personLabel(p))
		}
	}
	where := file
	if file == "" || file == "-" {
		where = "stdout"
	}
	env.say("backed up %s of team %s to %s, encrypted to %s", plural(len(doc.Records), "record"), doc.Team, where, sealedTo)
	if doc.DeletedSkipped > 0 {
		env.say("left out %s whose current version is deleted", plural(doc.DeletedSkipped, "record"))
	}
	if len(v.NotBackedUp) > 0 {
		env.say("warning: not backed up, outside sellervault's folders or without data: %s", strings.Join(v.NotBackedUp, ", "))
	}
	if len(v.TOTPReenrol) > 0 {
		env.say("Vault cannot export TOTP seeds: after a restore, enrol these again: %s", strings.Join(v.TOTPReenrol, ", "))
	}
	if len(v.TOTPEscrowed) > 0 {
		env.say("TOTP seeds escrowed to the off-line key (restore them with --recovery-identity): %s", strings.Join(v.TOTPEscrowed, ", "))
	}
	if len(v.Onboard) > 0 {
		env.say("logins cannot be exported: after a restore, onboard these people again: %s", strings.Join(v.Onboard, ", "))
	}
	if file == "" || file == "-" {
		return nil // stdout holds the backup
	}
	rows := [][]string{
		{"team", doc.Team},
		{"file", file},
		{"encrypted to", sealedTo},
		{"records", countsText(doc)},
		{"deleted, left out", fmt.Sprint(doc.DeletedSkipped)},
		{"not backed up", orDash(strings.Join(v.NotBackedUp, ", "))},
		{"reminder notes", fmt.Sprintf("%d left out", dump.Notes)},
		{"redaction index", fmt.Sprintf("%d entries left out (rebuilt by `sellervault redact --reindex`)", dump.IndexEntries)},
		{"totp to re-enrol", orDash(strings.Join(v.TOTPReenrol, ", "))},
		{"totp escrowed", orDash(strings.Join(v.TOTPEscrowed, ", "))},
		{"onboard again", orDash(strings.Join(v.Onboard, ", "))},
	}
	return s.render(v, nil, rows)
}

func personLabel(p backup.Person) string {
	label := p.Name + " (" + p.Role
	if len(p.Stores) > 0 {
		label += ": " + strings.Join(p.Stores, ",")
	}
	return label + ")"
}

func countsText(doc *backup.Document) string {
	counts := doc.Counts()
	var parts []string
	for _, k := range []string{"store", "credential", "mailbox", "phone", "payout", "payout-request", "payout-decision", "payout-verification", "staff", "totp-escrow", "settings", "other"} {
		if n := counts[k]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, k))
		}
	}
	return fmt.Sprintf("%d (%s)", len(doc.Records), strings.Join(parts, ", "))
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
