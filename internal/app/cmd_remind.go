package app

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/sellervault/sellervault/internal/connect"
	"github.com/sellervault/sellervault/internal/notify"
	"github.com/sellervault/sellervault/internal/remind"
	"github.com/sellervault/sellervault/internal/rotation"
)

func remindCommand(env *Env) *cli.Command {
	return &cli.Command{
		Name: "remind",
		Usage: "send what is overdue or due soon, grouped by person, to the configured channels " +
			"(made to run on a schedule with the reminder AppRole; names and dates, never values)",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "channels", Usage: "the channels file (JSON; it holds webhook tokens: mode 600)"},
			&cli.StringFlag{Name: "role-id", Usage: "log in with the reminder AppRole of this role ID (else the current token)"},
			&cli.StringFlag{Name: "secret-id-file", Usage: "the AppRole secret ID from `PATH` (else stdin)"},
			dueWithinFlag,
			&cli.StringFlag{Name: "quiet-period", Usage: "do not repeat an unchanged reminder within this long (default: the channels file's, else 3d)"},
			&cli.BoolFlag{Name: "dry-run", Usage: "show what would be sent; send nothing, record nothing"},
		},
		Action: func(c *cli.Context) error {
			s, err := env.newSession(c)
			if err != nil {
				return err
			}
			o, err := parseRemindOptions(c)
			if err != nil {
				return err
			}
			if err := s.remindLogin(c); err != nil {
				return err
			}
			return s.remind(c.Context, o)
		},
	}
}

type remindOptions struct {
	window   time.Duration
	defaults rotation.Defaults
	quiet    time.Duration
	dryRun   bool
	channels []notify.Channel
}

func parseRemindOptions(c *cli.Context) (remindOptions, error) {
	o := remindOptions{quiet: rotation.DefaultQuietPeriod, dryRun: c.Bool("dry-run")}
	var err error
	if o.window, o.defaults, err = schedule(c); err != nil {
		return o, err
	}
	quiet := c.String("quiet-period")
	if path := c.String("channels"); path != "" {
		cfg, err := notify.LoadConfig(path)
		if err != nil {
			return o, usageError{err}
		}
		if quiet == "" {
			quiet = cfg.QuietPeriod
		}
		if o.channels, err = notify.Build(cfg, notify.Options{}); err != nil {
			return o, usageError{err}
		}
	} else if !o.dryRun {
		return o, usagef("name the channels file with --channels PATH (or use --dry-run to see the reminder)")
	}
	if quiet != "" {
		if o.quiet, err = rotation.ParseQuietPeriod(quiet); err != nil {
			return o, usageError{err}
		}
	}
	return o, nil
}

// remindLogin logs in with the reminder AppRole when --role-id is given;
// the token stays in this process (it is not saved for the token helper).
func (s *session) remindLogin(c *cli.Context) error {
	roleID := c.String("role-id")
	if roleID == "" {
		if c.IsSet("secret-id-file") {
			return usagef("--secret-id-file needs --role-id")
		}
		return s.requireToken()
	}
	secretID, err := s.readSecretFrom(c.String("secret-id-file"), "AppRole secret ID: ", false, false)
	if err != nil {
		return err
	}
	s.conn, err = s.conn.WithAppRole(c.Context, roleID, secretID)
	return err
}

func (s *session) remind(ctx context.Context, o remindOptions) error {
	res, err := remind.Run(ctx, s.conn.Repo().Rotation(), remind.Options{Team: s.conn.Layout().Prefix, Window: o.window,
		Defaults: o.defaults, Quiet: o.quiet, DryRun: o.dryRun, Channels: o.channels, Now: time.Now()})
	if res.Preview != nil { // --dry-run without channels: show the message
		_, err := fmt.Fprint(s.env.Stdout, strings.TrimRight(res.Preview.Text(0), "\n")+"\n")
		return err
	}
	for _, u := range res.Unrecorded {
		s.env.say("%v", u)
	}
	if res.Outcomes != nil {
		if perr := s.printOutcomes(res.Outcomes); perr != nil {
			return perr
		}
	}
	return err
}

func (s *session) printOutcomes(outcomes []remind.Outcome) error {
	rows := make([][]string, 0, len(outcomes))
	for _, o := range outcomes {
		rows = append(rows, []string{o.Channel, o.Type, o.Result, strconv.Itoa(o.People), strconv.Itoa(o.Items), orDash(o.Error)})
	}
	return s.render(outcomes, []string{"CHANNEL", "TYPE", "RESULT", "PEOPLE", "ITEMS", "ERROR"}, rows)
}

func remindSetupCommand(env *Env) *cli.Command {
	return &cli.Command{
		Name: "remind-setup",
		Usage: "issue the reminder job's AppRole login (managers): prints the role ID, writes a new secret ID " +
			"to a new file, mode 600, and then destroys the secret IDs issued before; run it again to replace " +
			"the secret ID before it expires",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "secret-id-file", Usage: "write the secret ID to `PATH` (must not exist)", Required: true},
			&cli.DurationFlag{Name: "secret-id-ttl", Value: connect.ReminderSecretIDTTL,
				Usage: "the secret ID stops working after this long (at most the role's secret_id_ttl, 720h as init sets it)"},
			&cli.StringSliceFlag{Name: "bind-cidr", Usage: "the secret ID logs in, and its tokens work, only from the address block " +
				"`CIDR` (the job host's, e.g. 192.0.2.10/32; repeatable)"},
			&cli.BoolFlag{Name: "keep-existing", Usage: "leave the secret IDs issued before valid (until they expire)"},
		},
		Action: func(c *cli.Context) error {
			o, err := parseRemindSetupOptions(c)
			if err != nil {
				return err
			}
			s, err := env.newSession(c)
			if err != nil {
				return err
			}
			if err := s.requireToken(); err != nil {
				return err
			}
			return s.remindSetup(c.Context, o)
		},
	}
}

// parseRemindSetupOptions checks every flag before anything is written.
func parseRemindSetupOptions(c *cli.Context) (remind.IssueOptions, error) {
	o := remind.IssueOptions{Path: c.String("secret-id-file"), TTL: c.Duration("secret-id-ttl"), Keep: c.Bool("keep-existing")}
	if o.Path == "" {
		return o, usagef("--secret-id-file: name the new file for the secret ID")
	}
	if o.TTL < time.Minute || o.TTL > remind.MaxSecretIDTTL {
		return o, usagef("--secret-id-ttl %s: use a duration between 1m and %s", remind.ShortDuration(o.TTL), remind.ShortDuration(remind.MaxSecretIDTTL))
	}
	var err error
	if o.CIDRs, err = remind.ParseBindCIDRs(c.StringSlice("bind-cidr")); err != nil {
		return o, usageError{err}
	}
	return o, nil
}

// remindSetupResult is remind-setup's report; its JSON keys are stable.
type remindSetupResult struct {
	Role         string   `json:"role"`
	RoleID       string   `json:"role_id"`
	SecretIDFile string   `json:"secret_id_file"`
	SecretIDTTL  string   `json:"secret_id_ttl"`
	ExpiresAt    string   `json:"expires_at"`  // RFC 3339, UTC; "" when it does not expire
	BoundCIDRs   []string `json:"bound_cidrs"` // empty: any address
	// Destroyed is how many secret IDs issued before were destroyed; Kept
	// how many are still valid (null when they could not be listed).
	Destroyed int  `json:"destroyed"`
	Kept      *int `json:"kept"`
}

// remindSetup issues the reminder job's new secret ID (remind.Issue) and
// says what happened to the ones issued before.
func (s *session) remindSetup(ctx context.Context, o remind.IssueOptions) error {
	done, err := remind.Issue(ctx, s.conn.ReminderAppRole(), o)
	var bad *remind.BadOption
	if errors.As(err, &bad) {
		return usageError{err}
	}
	if done == nil {
		return err
	}
	res := remindSetupResult{Role: done.Role, RoleID: done.RoleID, SecretIDFile: done.Path, SecretIDTTL: "never",
		BoundCIDRs: o.CIDRs, Destroyed: done.Destroyed}
	if done.TTL > 0 {
		res.SecretIDTTL = remind.ShortDuration(done.TTL)
		res.ExpiresAt = time.Now().Add(done.TTL).UTC().Format(time.RFC3339)
	}
	if done.Others >= 0 {
		kept := done.Others - done.Destroyed
		res.Kept = &kept
	}
	bound := "from any address"
	if len(o.CIDRs) > 0 {
		bound = "bound to " + strings.Join(o.CIDRs, ", ")
	}
	s.env.say("wrote a new secret ID for %s to %s (valid for %s, %s); give the job --role-id and --secret-id-file",
		done.Role, done.Path, res.SecretIDTTL, bound)
	switch {
	case done.Others < 0:
		s.env.say("could not list the secret IDs issued before, so none was destroyed")
	case o.Keep:
		s.env.say("kept %s issued before valid (--keep-existing); they work until they expire", plural(done.Others, "secret ID"))
	case done.Destroyed < done.Others:
		s.env.say("destroyed %d of the %s issued before", done.Destroyed, plural(done.Others, "secret ID"))
	default:
		s.env.say("destroyed %s issued before", plural(done.Destroyed, "secret ID"))
	}
	if perr := s.printRemindSetup(res); perr != nil && err == nil {
		err = perr
	}
	return err
}

func (s *session) printRemindSetup(r remindSetupResult) error {
	bound := "any"
	if len(r.BoundCIDRs) > 0 {
		bound = strings.Join(r.BoundCIDRs, ",")
	} else {
		r.BoundCIDRs = []string{} // [] in JSON, not null
	}
	return s.render(r, []string{"ROLE", "ROLE ID", "SECRET ID FILE", "EXPIRES", "BOUND TO"},
		[][]string{{r.Role, r.RoleID, r.SecretIDFile, orDash(r.ExpiresAt), bound}})
}
