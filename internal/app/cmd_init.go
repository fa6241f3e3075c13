package app

import (
	"context"

	"github.com/urfave/cli/v2"

	"github.com/sellervault/sellervault/internal/repo"
	"github.com/sellervault/sellervault/internal/setup"
)

func initCommand(env *Env) *cli.Command {
	return &cli.Command{
		Name:  "init",
		Usage: "prepare Vault for sellervault (idempotent: safe to run again)",
		Description: `Mounts the KV v2 records engine (check-and-set on every write), the TOTP and
Transit engines, enables userpass and AppRole logins, writes the role policies
and creates one identity group per role. Needs a root or Vault admin token.
Each step checks first: a second run changes nothing and says so, and a run
after a failure finishes the job. On a team set up by an earlier release, it
migrates the records to the current layout (--dry-run shows what would move).`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "audit-file", Usage: "also enable a file audit device writing to `PATH` (on the Vault server)"},
			&cli.BoolFlag{Name: "dry-run", Usage: "check and print the plan, change nothing"},
			&cli.DurationFlag{Name: "payout-cooling-off", Usage: "how long a payout change waits before it may be approved (default 24h at first init; kept after)"},
		},
		Action: func(c *cli.Context) error {
			s, err := env.newSession(c)
			if err != nil {
				return err
			}
			if err := s.requireToken(); err != nil {
				return err
			}
			report, err := setup.Run(c.Context, s.client, setup.Options{
				Layout:    s.layout,
				AuditFile: c.String("audit-file"),
				DryRun:    c.Bool("dry-run"),
				Version:   version(),

				PayoutCoolingOff: c.Duration("payout-cooling-off"),
				Reindex: func(ctx context.Context) error {
					_, err := repo.New(s.client, s.layout).Reindex(ctx)
					return err
				},
			})
			if perr := s.printInitReport(report); perr != nil && err == nil {
				err = perr
			}
			if err != nil {
				return err
			}
			changes := 0
			for _, ch := range report.Changes {
				if ch.Action != setup.Unchanged {
					changes++
				}
			}
			switch {
			case changes == 0:
				env.say("nothing to change: init has already run on %s", s.client.Address())
			case report.DryRun:
				env.say("dry run: %d of %d steps would change Vault; nothing was changed", changes, len(report.Changes))
			default:
				env.say("init done: %d of %d steps changed Vault", changes, len(report.Changes))
			}
			s.warnDotSegments(c.Context)
			return nil
		},
	}
}

func (s *session) printInitReport(r setup.Report) error {
	if s.format == "json" {
		return s.env.writeJSON(r)
	}
	rows := make([][]string, 0, len(r.Changes))
	for _, ch := range r.Changes {
		action := string(ch.Action)
		if ch.Action != setup.Unchanged && r.DryRun {
			action = "would " + action
		}
		rows = append(rows, []string{action, ch.Item})
	}
	return s.env.writeTable([]string{"ACTION", "ITEM"}, rows)
}
