package app

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/repo"
	"github.com/sellervault/sellervault/internal/rotation"
	"github.com/sellervault/sellervault/policies"
)

// errOverdue: something is overdue for rotation (its own exit code, for
// cron jobs and CI).
var errOverdue = errors.New("overdue for rotation")

func rotationCommand(env *Env) *cli.Command {
	return &cli.Command{
		Name:  "rotation",
		Usage: "rotation schedules: what is overdue, what is due soon",
		Subcommands: []*cli.Command{
			{
				Name:  "status",
				Usage: "overdue, due-soon and ok records with owner and due date, from metadata only; exit 10 when something is overdue",
				Flags: []cli.Flag{
					dueWithinFlag,
					&cli.StringFlag{Name: "owner", Usage: "only records this person owns or holds"},
					&cli.StringFlag{Name: "store", Usage: "only this store's credentials"},
				},
				Action: env.withRepo(func(c *cli.Context, s *session, r *repo.Repo) error {
					window, defaults, err := schedule(c)
					if err != nil {
						return err
					}
					store, err := optionalStore(c)
					if err != nil {
						return err
					}
					items, err := r.Rotation().Items(c.Context, store)
					if err != nil {
						return err
					}
					results := rotation.Report(items, defaults, time.Now(), window)
					if owner := c.String("owner"); owner != "" {
						kept := results[:0]
						for _, res := range results {
							if records.HeldBy(res.Owner, res.Assignees, owner) != records.NotHeld {
								kept = append(kept, res)
							}
						}
						results = kept
					}
					overdue := 0
					for _, res := range results {
						if res.State == rotation.Overdue {
							overdue++
						}
					}
					if err := s.printRotation(results); err != nil {
						return err
					}
					if overdue > 0 {
						if overdue == 1 {
							return fmt.Errorf("1 record is %w", errOverdue)
						}
						return fmt.Errorf("%d records are %w", overdue, errOverdue)
					}
					return nil
				}),
			},
			{
				Name:      "due",
				Usage:     "mark records due for rotation now (a leak suspected, a shared screen): STORE/NAME, a mailbox address or a phone number",
				ArgsUsage: "[RECORD...]",
				Action: env.withRepo(func(c *cli.Context, s *session, r *repo.Repo) error {
					if c.NArg() == 0 {
						return usagef("name at least one record: STORE/NAME, a mailbox address or a phone number")
					}
					var targets []records.Target
					for _, arg := range c.Args().Slice() {
						t, err := parsed(records.ParseTarget(arg))
						if err != nil {
							return err
						}
						targets = append(targets, t)
					}
					now := time.Now()
					for _, t := range targets {
						marked, err := r.Rotation().MarkDue(c.Context, t, now)
						if err != nil {
							return fmt.Errorf("%s: %w", t, err)
						}
						if marked {
							env.say("%s is due for rotation now", t)
						} else {
							env.say("%s was marked due already", t)
						}
					}
					return nil
				}),
			},
			remindCommand(env),
			remindSetupCommand(env),
		},
	}
}

var dueWithinFlag = &cli.StringFlag{Name: "due-within", Value: "14d", Usage: "what counts as due soon"}

// schedule reads --due-within and the reviewed default intervals
// (policies/rotation.conf).
func schedule(c *cli.Context) (time.Duration, rotation.Defaults, error) {
	window, err := parsed(records.ParseInterval(c.String("due-within")))
	if err != nil {
		return 0, nil, err
	}
	defaults, err := rotation.ParseDefaults(policies.RotationDefaults())
	return window, defaults, err
}

func (s *session) printRotation(results []rotation.Result) error {
	rows := make([][]string, 0, len(results))
	for _, r := range results {
		state := r.State
		if r.Reason != "" {
			state += " (" + r.Reason + ")"
		}
		rows = append(rows, []string{state, r.Kind, r.ID, orDash(r.Owner), orDash(strings.Join(r.Assignees, ",")),
			r.Interval, r.Due.UTC().Format("2006-01-02")})
	}
	return s.render(results, []string{"STATE", "KIND", "RECORD", "OWNER", "ASSIGNEES", "EVERY", "DUE"}, rows)
}
