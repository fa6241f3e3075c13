package app

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/sellervault/sellervault/internal/connect"
	"github.com/sellervault/sellervault/internal/incident"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/repo"
)

// incidentChecklist is what a team does while a store is locked down.
var incidentChecklist = []string{
	"Contact the marketplace's seller support (from the address you know, not one in a mail) and report the takeover.",
	"Reset the password and 2-step verification: `sellervault rotate STORE/NAME`, then `--confirm`, for every credential listed; re-enrol the authenticator with `sellervault totp add`.",
	"Check the payout account against the golden copy: `sellervault payout verify STORE --field iban` (or account).",
	"Review recent orders, listings, prices and inventory for changes nobody on the team made.",
	"Tell affected buyers, if orders or messages went out in the team's name.",
	"Check the mailbox and phone behind the login: `sellervault cred list --factors`.",
	"When all is done: `sellervault incident close STORE`.",
}

func incidentCommand(env *Env) *cli.Command {
	return &cli.Command{
		Name:  "incident",
		Usage: "lock a store down when its seller account looks taken over, and reopen it when it is safe",
		Subcommands: []*cli.Command{
			{
				Name: "start",
				Usage: "end every staff member's access to the store at once (managers keep theirs), mark its credentials due " +
					"for rotation, flag its payout record for verification, and print the checklist",
				ArgsUsage: "STORE",
				Flags:     []cli.Flag{&cli.StringFlag{Name: "reason", Required: true, Usage: "what was seen: unknown orders, a changed password, listings, prices or payout"}},
				Action: env.withRepo(func(c *cli.Context, s *session, r *repo.Repo) error {
					store, err := parsed(records.ParseStoreName(oneArg(c)))
					if err != nil {
						return err
					}
					reason, ok := oneLine(c.String("reason"))
					if !ok {
						return usagef("--reason: one line, up to 400 characters, saying what was seen")
					}
					in, reopened, err := incident.Start(c.Context, connect.IncidentDeps(r), store, reason, time.Now())
					if err != nil {
						return err
					}
					if reopened {
						env.say("an incident is already open for %s (since %s): the lockdown is applied again", store, in.StartedAt.Format(time.RFC3339))
					} else {
						env.say("incident opened for %s: %s", store, reason)
					}
					if len(in.RemovedWho) > 0 {
						env.say("staff access to %s ended: %s", store, strings.Join(in.RemovedWho, ", "))
					}
					p, err := incident.ProgressOf(c.Context, connect.IncidentDeps(r), in)
					if err != nil {
						return err
					}
					if err := s.printIncidents([]*incident.Progress{p}); err != nil {
						return err
					}
					if s.format != "json" {
						fmt.Fprintln(env.Stdout, "\nCHECKLIST")
						for i, step := range incidentChecklist {
							fmt.Fprintf(env.Stdout, "%d. %s\n", i+1, strings.ReplaceAll(step, "STORE", store))
						}
					}
					return nil
				}),
			},
			{
				Name:  "status",
				Usage: "open incidents and what each still waits for",
				Action: env.withRepo(func(c *cli.Context, s *session, r *repo.Repo) error {
					open, err := incident.Open(c.Context, connect.IncidentDeps(r))
					if err != nil {
						return err
					}
					if len(open) == 0 && s.format != "json" {
						env.say("no open incidents")
						return nil
					}
					return s.printIncidents(open)
				}),
			},
			{
				Name:      "close",
				Usage:     "give the staff their access back; refused while rotations or the payout verification are open, unless --force with --reason",
				ArgsUsage: "STORE",
				Flags: []cli.Flag{
					&cli.BoolFlag{Name: "force", Usage: "close with work still open (recorded, with --reason)"},
					&cli.StringFlag{Name: "reason", Usage: "why it is closed with work open (with --force)"},
				},
				Action: env.withRepo(func(c *cli.Context, s *session, r *repo.Repo) error {
					store, err := parsed(records.ParseStoreName(oneArg(c)))
					if err != nil {
						return err
					}
					force := ""
					if c.Bool("force") {
						var ok bool
						if force, ok = oneLine(c.String("reason")); !ok {
							return usagef("--force needs --reason: one line, up to 400 characters, saying why the open work can wait")
						}
					} else if c.IsSet("reason") {
						return usagef("--reason goes with --force")
					}
					p, err := incident.Close(c.Context, connect.IncidentDeps(r), store, force, time.Now())
					if errors.Is(err, incident.ErrUnfinished) {
						_ = s.printIncidents([]*incident.Progress{p})
						return err
					}
					if err != nil {
						return err
					}
					if p.ForceReason != "" {
						env.say("incident of %s closed by force (%s), with work still open", store, p.ForceReason)
					} else {
						env.say("incident of %s closed: every credential rotated, payout verified", store)
					}
					if len(p.RemovedWho) > 0 {
						env.say("staff access to %s restored: %s", store, strings.Join(p.RemovedWho, ", "))
					}
					return nil
				}),
			},
		},
	}
}

// oneLine trims a reason and tells whether it is one non-empty line of
// at most 400 bytes, as incident records keep it.
func oneLine(s string) (string, bool) {
	s = strings.TrimSpace(s)
	return s, s != "" && len(s) <= 400 && !strings.ContainsAny(s, "\r\n")
}

func (s *session) printIncidents(list []*incident.Progress) error {
	var rows [][]string
	for _, p := range list {
		payoutState := "done"
		switch {
		case !p.HasPayout:
			payoutState = "-"
		case p.PayoutOpen:
			payoutState = "open"
		}
		rows = append(rows, []string{p.Store, p.Status, p.StartedAt.Format("2006-01-02 15:04"), p.StartedBy,
			orDash(strings.Join(p.OpenRotations, ",")), payoutState, p.Reason})
	}
	return s.render(list, []string{"STORE", "STATUS", "STARTED", "BY", "ROTATIONS OPEN", "PAYOUT CHECK", "REASON"}, rows)
}
