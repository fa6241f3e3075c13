package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/sellervault/sellervault/internal/notify"
	"github.com/sellervault/sellervault/internal/repo"
	"github.com/sellervault/sellervault/internal/rotation"
	"github.com/sellervault/sellervault/internal/vault"
)

// errUndelivered: at least one channel did not take its reminder.
var errUndelivered = errors.New("reminders were not delivered")

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
			return s.remind(c.Context, repo.New(s.client, s.layout), o)
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
	token, err := s.client.AppRoleLoginWith(c.Context, vault.AppRoleMount, roleID, secretID)
	if err != nil {
		return err
	}
	s.client, err = s.client.WithToken(token)
	return err
}

// channelOutcome is one channel's line in remind's report.
type channelOutcome struct {
	Channel string `json:"channel"`
	Type    string `json:"type"`
	Result  string `json:"result"` // sent, quiet, nothing-due, would-send, failed
	People  int    `json:"people"`
	Items   int    `json:"items"`
	Error   string `json:"error,omitempty"`
}

func (s *session) remind(ctx context.Context, r *repo.Repo, o remindOptions) error {
	items, err := r.RotationItems(ctx, "")
	if err != nil {
		return err
	}
	now := time.Now()
	reminders := rotation.Reminders(rotation.Report(items, o.defaults, now, o.window))
	if len(o.channels) == 0 { // --dry-run without channels: show the message
		_, err := fmt.Fprint(s.env.Stdout, reminderMessage(s.layout.Prefix, now, reminders).Text(0))
		return err
	}

	outcomes := make([]channelOutcome, len(o.channels))
	msgs := map[string]notify.Message{}
	sending := map[string][]rotation.Reminder{}
	for i, ch := range o.channels {
		out := &outcomes[i]
		*out = channelOutcome{Channel: ch.Name(), Type: ch.Type(), Result: "nothing-due"}
		var fresh []rotation.Reminder
		for _, rm := range reminders {
			last, err := r.ReminderNote(ctx, ch.Name(), rm.Person)
			if err != nil {
				return err
			}
			if rm.Repeats(last, now, o.quiet) {
				out.Result = "quiet"
				continue
			}
			fresh = append(fresh, rm)
		}
		if len(fresh) == 0 {
			continue
		}
		out.Result, out.People = "would-send", len(fresh)
		for _, rm := range fresh {
			out.Items += len(rm.Items)
		}
		sending[ch.Name()] = fresh
		msgs[ch.Name()] = reminderMessage(s.layout.Prefix, now, fresh)
	}
	if o.dryRun {
		return s.printOutcomes(outcomes)
	}

	failed, unrecorded := 0, 0
	index := map[string]int{}
	for i, ch := range o.channels {
		index[ch.Name()] = i
	}
	for _, res := range notify.SendAll(ctx, o.channels, msgs) {
		out := &outcomes[index[res.Channel]]
		if res.Err != nil {
			out.Result, out.Error = "failed", res.Err.Error()
			var ne *notify.Error
			if errors.As(res.Err, &ne) {
				out.Error = ne.Detail // the channel is named in its own column
			}
			failed++
			continue
		}
		out.Result = "sent"
		for _, rm := range sending[res.Channel] {
			if err := r.SetReminderNote(ctx, res.Channel, rm.Person, rotation.Note{SentAt: now, Digest: rm.Digest}); err != nil {
				s.env.say("sent on %s, but could not record it, so the next run repeats it: %v", res.Channel, err)
				unrecorded++
				break
			}
		}
	}
	if err := s.printOutcomes(outcomes); err != nil {
		return err
	}
	switch {
	case failed > 0:
		return fmt.Errorf("%d of %d channels failed: %w", failed, len(o.channels), errUndelivered)
	case unrecorded > 0:
		return fmt.Errorf("%d channels' reminders were sent but not recorded", unrecorded)
	}
	return nil
}

func (s *session) printOutcomes(outcomes []channelOutcome) error {
	if s.format == "json" {
		return s.env.writeJSON(outcomes)
	}
	rows := make([][]string, 0, len(outcomes))
	for _, o := range outcomes {
		rows = append(rows, []string{o.Channel, o.Type, o.Result, strconv.Itoa(o.People), strconv.Itoa(o.Items), orDash(o.Error)})
	}
	return s.env.writeTable([]string{"CHANNEL", "TYPE", "RESULT", "PEOPLE", "ITEMS", "ERROR"}, rows)
}

// reminderMessage turns the reminders into a channel's message: record
// names, kinds, states and dates only.
func reminderMessage(team string, now time.Time, reminders []rotation.Reminder) notify.Message {
	m := notify.Message{Team: team, Now: now}
	for _, rm := range reminders {
		g := notify.Group{Person: rm.Person}
		for _, it := range rm.Items {
			g.Items = append(g.Items, notify.Item{Record: it.ID, Kind: it.Kind, State: it.State, Due: it.Due, Reason: it.Reason})
		}
		m.Groups = append(m.Groups, g)
	}
	return m
}

func remindSetupCommand(env *Env) *cli.Command {
	return &cli.Command{
		Name: "remind-setup",
		Usage: "issue the reminder job's AppRole login (managers): prints the role ID and writes a new secret ID " +
			"to a new file, mode 600; run it again to replace the secret ID before it expires",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "secret-id-file", Usage: "write the secret ID to `PATH` (must not exist)", Required: true},
		},
		Action: env.withRepo(func(c *cli.Context, s *session, _ *repo.Repo) error {
			path := c.String("secret-id-file")
			f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
			if errors.Is(err, os.ErrExist) {
				return usagef("%s exists: remove it first (the job's old secret ID stays valid until it expires), or choose another path", path)
			}
			if err != nil {
				return err
			}
			roleID, secretID, err := s.client.AppRoleCredentials(c.Context, vault.AppRoleMount, s.layout.ReminderRole())
			if err == nil {
				_, err = fmt.Fprintln(f, secretID)
			}
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				os.Remove(path)
				return err
			}
			env.say("wrote a new secret ID for %s to %s; give the job --role-id and --secret-id-file", s.layout.ReminderRole(), path)
			if s.format == "json" {
				return env.writeJSON(map[string]string{"role": s.layout.ReminderRole(), "role_id": roleID, "secret_id_file": path})
			}
			return env.writeTable([]string{"ROLE", "ROLE ID", "SECRET ID FILE"}, [][]string{{s.layout.ReminderRole(), roleID, path}})
		}),
	}
}
