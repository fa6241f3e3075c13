package app

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/sellervault/sellervault/internal/audit"
	"github.com/sellervault/sellervault/internal/records"
)

// errFlagged: the audit report flags something (its own exit code, for
// cron).
var errFlagged = errors.New("audit flagged something: look into each flag")

func auditCommand(env *Env) *cli.Command {
	return &cli.Command{
		Name: "audit",
		Usage: "who read which login, code, mailbox, phone or payout record, and when, from Vault's file audit log; " +
			"flags path traversals, reads and writes outside a person's stores or role, requests and unwraps after offboarding, " +
			"bursts of reads, floods of Transit HMACs, payout changes and refused requests",
		Description: "Reads one or more audit logs of Vault's file audit device (JSON lines; gzip-compressed rotated logs too; - is stdin),\n" +
			"counts each request once (from its response entry), and names people from the team's staff records and groups,\n" +
			"read with your token (a manager's), or, with --offline, by Vault's display names only. Values never appear:\n" +
			"Vault HMACs them in the log, and the report shows no HMAC. Mailbox addresses and phone numbers are masked.\n" +
			"Paths are percent-decoded and cleaned before they are judged; any dot-segment is flagged.\n" +
			"--format table (default), json or csv.\n" +
			"Exit status: 0 when the report flags nothing, 16 when it flags anything (for cron: look into each flag),\n" +
			"other codes for errors (`sellervault help exit-codes`).",
		Flags: []cli.Flag{
			&cli.StringSliceFlag{Name: "log", Required: true, Usage: "the audit log file (repeat for rotated logs, oldest first; - for stdin)"},
			&cli.StringFlag{Name: "since", Usage: "only requests since then: a look-back like 7d, 2w or 36h, or a date like 2026-03-01"},
			&cli.StringFlag{Name: "staff", Usage: "only this person's events and flags"},
			&cli.StringFlag{Name: "store", Usage: "only this store's events and flags"},
			&cli.IntFlag{Name: "burst-reads", Value: audit.DefaultBurstReads, Usage: "a burst is more than this many record reads by one person ..."},
			&cli.StringFlag{Name: "burst-window", Value: "5m", Usage: "... within this long"},
			&cli.IntFlag{Name: "hmac-inputs", Value: audit.DefaultHMACInputs, Usage: "flag more than this many Transit HMAC inputs by one person (guesses against the redaction index) ..."},
			&cli.StringFlag{Name: "hmac-window", Value: "1h", Usage: "... within this long"},
			&cli.BoolFlag{Name: "offline", Usage: "no Vault: name people by Vault's display names (no store, role or offboarding checks)"},
		},
		Action: func(c *cli.Context) error {
			s, err := env.newSession(c, "csv")
			if err != nil {
				return err
			}
			opts, err := auditOptions(c, time.Now())
			if err != nil {
				return err
			}
			opts.Prefix = s.conn.Layout().Prefix
			if !c.Bool("offline") {
				if err := s.requireToken(); err != nil {
					return err
				}
				people, err := s.conn.Repo().Members().AuditPeople(c.Context)
				if err != nil {
					return fmt.Errorf("reading the team's staff records and groups (a manager's login is needed; --offline works without): %w", err)
				}
				opts.People = audit.NewDirectory(people)
			}
			a := audit.NewAnalyzer(opts)
			for _, path := range c.StringSlice("log") {
				if err := readAuditLog(a, env, path); err != nil {
					return err
				}
			}
			rep := a.Report()
			st := rep.Stats
			env.say("%d lines read: %d requests about the team, %d events, %d flags", st.Lines, st.Requests, len(rep.Events), len(rep.Flags))
			if st.Malformed > 0 {
				env.say("%d lines were not valid audit entries (cut short, not JSON, or too long) and were skipped", st.Malformed)
			}
			if st.Unanswered > 0 {
				env.say("%d requests have no response entry (the log ends or was rotated meanwhile): shown as unanswered", st.Unanswered)
			}
			switch s.format {
			case "json":
				err = audit.WriteJSON(env.Stdout, rep)
			case "csv":
				err = audit.WriteCSV(env.Stdout, rep)
			default:
				err = audit.WriteTable(env.Stdout, rep)
			}
			if err != nil || len(rep.Flags) == 0 {
				return err
			}
			if len(rep.Flags) == 1 {
				return fmt.Errorf("1 flag in the report: %w", errFlagged)
			}
			return fmt.Errorf("%d flags in the report: %w", len(rep.Flags), errFlagged)
		},
	}
}

// auditOptions reads the command's filters, burst and HMAC settings.
func auditOptions(c *cli.Context, now time.Time) (audit.Options, error) {
	var opts audit.Options
	var err error
	if v := c.String("since"); c.IsSet("since") {
		if opts.Since, err = parsed(audit.ParseSince(v, now)); err != nil {
			return opts, err
		}
	}
	if v := c.String("staff"); v != "" {
		if opts.Staff, err = parsed(records.ParsePersonName(v)); err != nil {
			return opts, err
		}
	}
	if opts.Store, err = optionalStore(c); err != nil {
		return opts, err
	}
	if opts.BurstReads = c.Int("burst-reads"); opts.BurstReads < 1 {
		return opts, usagef("--burst-reads %d: use 1 or more", opts.BurstReads)
	}
	if opts.BurstWindow, err = parsed(audit.ParseWindow(c.String("burst-window"))); err != nil {
		return opts, err
	}
	if opts.HMACInputs = c.Int("hmac-inputs"); opts.HMACInputs < 1 {
		return opts, usagef("--hmac-inputs %d: use 1 or more", opts.HMACInputs)
	}
	if opts.HMACWindow, err = parsed(audit.ParseWindow(c.String("hmac-window"))); err != nil {
		return opts, err
	}
	return opts, nil
}

// readAuditLog feeds one log file (or stdin for "-") to the analysis.
func readAuditLog(a *audit.Analyzer, env *Env, path string) error {
	var in io.Reader = env.Stdin
	if path != "-" {
		f, err := os.Open(path)
		if errors.Is(err, fs.ErrNotExist) {
			return usagef("--log %s: no such file", path)
		}
		if err != nil {
			return fmt.Errorf("audit log: %w", err)
		}
		defer f.Close()
		in = f
	}
	r, err := audit.Decompress(in)
	if err != nil {
		return fmt.Errorf("audit log %s: %w", path, err)
	}
	if err := a.ReadLog(r, 0); err != nil {
		return fmt.Errorf("audit log %s: %w", path, err)
	}
	return nil
}
