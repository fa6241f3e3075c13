package app

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"

	"filippo.io/age"
	"github.com/urfave/cli/v2"

	"github.com/sellervault/sellervault/internal/backup"
	"github.com/sellervault/sellervault/internal/backuprun"
	"github.com/sellervault/sellervault/internal/connect"
	"github.com/sellervault/sellervault/internal/failure"
	"github.com/sellervault/sellervault/internal/repo"
)

func restoreCommand(env *Env) *cli.Command {
	return &cli.Command{
		Name:      "restore",
		Usage:     "restore a backup into an initialised, empty team mount",
		ArgsUsage: "FILE",
		Description: `Decrypts FILE (made by ` + "`sellervault backup`" + `) with the age identities of
--identity PATH, or with the passphrase (--passphrase: a no-echo prompt,
stdin or --passphrase-file), checks all of it, and writes its records into
the team's mount, which must be initialised (` + "`sellervault init`" + `) and hold
no record but what init writes. Nothing is written when the file is
damaged, cut short, opened with the wrong key, or the mount is not empty.

Each record is created with check-and-set 0, then its custom metadata is
set; the team settings replace init's. TOTP seeds and logins are not in a
backup: credentials whose TOTP key is not in this Vault have their link
cleared (metadata totp_reenrol=required) and are listed to enrol again,
unless the team escrows seeds (init --recovery-recipient) and
--recovery-identity opens their escrow copies: those seeds are imported
again, each checked against Vault's code;
active staff records become "not-onboarded" and their people are listed to
onboard again. The redaction index is not restored: run
` + "`sellervault redact --reindex`" + ` after. FILE "-" reads the backup from stdin.`,
		Flags: append([]cli.Flag{
			&cli.StringSliceFlag{Name: "identity", Aliases: []string{"i"}, Usage: "decrypt with the age secret keys in `PATH` (as age-keygen writes; repeatable)"},
			&cli.BoolFlag{Name: "dry-run", Usage: "check the backup and the mount, print the plan, write nothing"},
			&cli.StringSliceFlag{Name: "recovery-identity", Usage: "the off-line age key file (`PATH`) of the team's escrow recipient (init --recovery-recipient): TOTP seeds escrowed in the backup are imported again"},
		}, passphraseFlags("decrypt with")...),
		Action: env.withRepo(func(c *cli.Context, s *session, r *repo.Repo) error {
			file := oneArg(c)
			identities, err := s.restoreIdentities(c, file)
			if err != nil {
				return err
			}
			doc, err := env.openBackup(file, identities)
			if err != nil {
				return err
			}
			recovery, err := s.identityFiles("recovery-identity", c.StringSlice("recovery-identity"))
			if err != nil {
				return err
			}
			rep, err := backuprun.Restore(c.Context, connect.BackupDeps(r), doc, backuprun.RestoreOptions{DryRun: c.Bool("dry-run"), Recovery: recovery})
			var partial *backuprun.PartialRestoreError
			switch {
			case errors.As(err, &partial):
				return s.reportPartial(partial, rep)
			case errors.Is(err, backuprun.ErrNotEmpty):
				return env.failWithHint(err, "restore into an empty mount: `sellervault init --mount NEWNAME` then `sellervault restore FILE --mount NEWNAME`, or a Vault where this team's mount holds nothing yet")
			case errors.Is(err, repo.ErrNotInitialised):
				return env.failWithHint(err, "run `sellervault init` (with the same --mount) on this Vault, then restore")
			case err != nil:
				return err
			}
			return s.reportRestore(rep)
		}),
	}
}

// restoreIdentities reads the key files, or the passphrase.
func (s *session) restoreIdentities(c *cli.Context, file string) ([]age.Identity, error) {
	paths := c.StringSlice("identity")
	usePass := c.Bool("passphrase") || c.IsSet("passphrase-file")
	switch {
	case usePass && len(paths) > 0:
		return nil, usagef("--identity and --passphrase: choose one (a backup is sealed to keys or to a passphrase)")
	case usePass:
		if file == "-" && !c.IsSet("passphrase-file") {
			return nil, usagef("the backup comes from stdin, so the passphrase cannot: use --passphrase-file PATH")
		}
		pass, err := s.readPassphrase(c, "passphrase of the backup: ", false)
		if err != nil {
			return nil, err
		}
		id, err := backup.PassphraseIdentity(pass)
		if err != nil {
			return nil, usageError{err}
		}
		return []age.Identity{id}, nil
	case len(paths) == 0:
		return nil, usagef("say how to open the backup: --identity PATH (an age key file) or --passphrase")
	}
	return s.identityFiles("identity", paths)
}

// identityFiles reads the age secret keys of the files given to --flag.
func (s *session) identityFiles(flag string, paths []string) ([]age.Identity, error) {
	var out []age.Identity
	for _, path := range paths {
		f, err := os.Open(path)
		if err != nil {
			return nil, usageError{fmt.Errorf("--%s: %w", flag, err)}
		}
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o077 != 0 && runtime.GOOS != "windows" {
			s.env.say("warning: identity file %q can be read by other users (mode %04o); run chmod 600 on it", path, fi.Mode().Perm())
		}
		ids, err := backup.ParseIdentities(f)
		f.Close()
		if err != nil {
			return nil, usageError{fmt.Errorf("--%s %s: %w", flag, path, err)}
		}
		out = append(out, ids...)
	}
	return out, nil
}

// openBackup reads, decrypts and checks the whole file before anything
// is written.
func (e *Env) openBackup(file string, identities []age.Identity) (*backup.Document, error) {
	var in io.Reader = e.Stdin
	if file != "-" {
		f, err := os.Open(file)
		if err != nil {
			return nil, usageError{err}
		}
		defer f.Close()
		in = f
	}
	doc, err := backup.Open(in, identities...)
	switch {
	case errors.Is(err, backup.ErrWrongKey):
		return nil, e.failWithHint(deniedError{fmt.Errorf("%s: %w", file, err)}, "nothing was written; check which key or passphrase the backup was made with")
	case errors.Is(err, backup.ErrDamaged), errors.Is(err, backup.ErrNotAge):
		return nil, e.failWithHint(usageError{fmt.Errorf("%s: %w", file, err)}, "nothing was written; use an intact copy of the backup")
	case err != nil:
		return nil, e.failWithHint(fmt.Errorf("%s: %w", file, err), "nothing was written")
	}
	return doc, nil
}

// deniedError: the wrong key is a permission problem, for the exit code.
type deniedError struct{ err error }

func (e deniedError) Error() string        { return e.err.Error() }
func (e deniedError) Unwrap() error        { return e.err }
func (e deniedError) Is(target error) bool { return target == failure.ErrDenied }

// failWithHint reports an error with its own hint line, and returns it
// for its exit code only.
func (e *Env) failWithHint(err error, hint string) error {
	e.say("%v", err)
	e.say("hint: %s", hint)
	return silentError{err}
}

// restoreView is the JSON report of a restore.
type restoreView struct {
	*backuprun.RestoreReport
	RedactIndex string `json:"redaction_index"`
}

func (s *session) reportRestore(rep *backuprun.RestoreReport) error {
	env := s.env
	if rep.DryRun {
		env.say("dry run: %s of team %s (backup made %s) would be restored into mount %s; nothing was written",
			plural(rep.Planned, "record"), rep.Team, rep.CreatedAt.Format(time.RFC3339), rep.Mount)
	} else {
		env.say("restored %s of team %s (backup made %s) into mount %s",
			plural(len(rep.Written), "record"), rep.Team, rep.CreatedAt.Format(time.RFC3339), rep.Mount)
	}
	cleared := "was cleared"
	if rep.DryRun {
		cleared = "would be cleared"
	}
	onboard := make([]string, 0, len(rep.Onboard))
	for _, p := range rep.Onboard {
		onboard = append(onboard, personLabel(p))
	}
	if len(rep.TOTPReenrol) > 0 {
		env.say("TOTP seeds are not in a backup: enrol these again with `sellervault totp add STORE/NAME` (each one's link to its missing key %s): %s", cleared, strings.Join(rep.TOTPReenrol, ", "))
	}
	if len(rep.TOTPRecovered) > 0 {
		env.say("TOTP seeds recovered from their escrow copies and imported again: %s", strings.Join(rep.TOTPRecovered, ", "))
	}
	if len(rep.TOTPKept) > 0 {
		env.say("TOTP keys already in this Vault, links kept: %s", strings.Join(rep.TOTPKept, ", "))
	}
	if len(onboard) > 0 {
		env.say("logins are not in a backup: onboard these people again (`sellervault staff onboard NAME --role ROLE [--stores S,T]`): %s", strings.Join(onboard, ", "))
	}
	if len(rep.ProposeAgain) > 0 {
		env.say("warning: these pending payout changes cannot be approved here (their requester's signature does not check in this Vault, or the payout version they change is gone): reject them (`sellervault payout reject ID`) and propose again: %s", strings.Join(rep.ProposeAgain, ", "))
	}
	env.say("the redaction index is not restored: run `sellervault redact --reindex`")
	count := fmt.Sprintf("%d written", len(rep.Written))
	if rep.DryRun {
		count = fmt.Sprintf("%d would be written (dry run)", rep.Planned)
	}
	rows := [][]string{
		{"team", rep.Team},
		{"mount", rep.Mount},
		{"backup made", rep.CreatedAt.Format(time.RFC3339)},
		{"records", count},
		{"deleted, not in backup", fmt.Sprint(rep.DeletedSkipped)},
		{"totp to re-enrol", orDash(strings.Join(rep.TOTPReenrol, ", "))},
		{"totp kept", orDash(strings.Join(rep.TOTPKept, ", "))},
		{"totp recovered", orDash(strings.Join(rep.TOTPRecovered, ", "))},
		{"onboard again", orDash(strings.Join(onboard, ", "))},
		{"pending payout", orDash(strings.Join(rep.PendingPayout, ", "))},
		{"redaction index", "not restored: run `sellervault redact --reindex`"},
	}
	return s.render(restoreView{RestoreReport: rep, RedactIndex: "not restored: run `sellervault redact --reindex`"}, nil, rows)
}

// reportPartial says exactly what a failed restore wrote.
func (s *session) reportPartial(p *backuprun.PartialRestoreError, rep *backuprun.RestoreReport) error {
	env := s.env
	env.say("%v", p)
	for _, path := range p.Written {
		env.say("written: %s", path)
	}
	if p.DataOnly != "" {
		env.say("written without its metadata: %s", p.DataOnly)
	}
	if len(p.Written) == 0 && p.DataOnly == "" {
		env.say("hint: no record was written; fix the cause and restore again")
	} else {
		env.say("hint: the mounts hold part of the backup now; fix the cause, then empty them (`vault secrets disable %s`, and likewise %s and %s), run `sellervault init` and restore again", rep.Mount, s.conn.Layout().Proposals(), s.conn.Layout().Verifications())
	}
	if s.format == "json" && rep != nil {
		_ = env.writeJSON(restoreView{RestoreReport: rep, RedactIndex: "not restored"})
	}
	return silentError{p}
}
