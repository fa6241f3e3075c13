package app

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"slices"
	"strconv"
	"strings"
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
		text := reminderMessage(s.layout.Prefix, now, reminders).Text(0)
		_, err := fmt.Fprint(s.env.Stdout, strings.TrimRight(text, "\n")+"\n")
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

// maxSecretIDTTL bounds --secret-id-ttl whatever the role allows: a
// credential on a job host should not outlive a year.
const maxSecretIDTTL = 8760 * time.Hour

// maxBindCIDRs bounds --bind-cidr: a job runs on a host or a few.
const maxBindCIDRs = 32

func remindSetupCommand(env *Env) *cli.Command {
	return &cli.Command{
		Name: "remind-setup",
		Usage: "issue the reminder job's AppRole login (managers): prints the role ID, writes a new secret ID " +
			"to a new file, mode 600, and then destroys the secret IDs issued before; run it again to replace " +
			"the secret ID before it expires",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "secret-id-file", Usage: "write the secret ID to `PATH` (must not exist)", Required: true},
			&cli.DurationFlag{Name: "secret-id-ttl", Value: vault.AppRoleSecretIDTTL,
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

type remindSetupOptions struct {
	path  string
	ttl   time.Duration
	cidrs []string
	keep  bool
}

// parseRemindSetupOptions checks every flag before anything is written.
func parseRemindSetupOptions(c *cli.Context) (remindSetupOptions, error) {
	o := remindSetupOptions{path: c.String("secret-id-file"), ttl: c.Duration("secret-id-ttl"), keep: c.Bool("keep-existing")}
	if o.path == "" {
		return o, usagef("--secret-id-file: name the new file for the secret ID")
	}
	if o.ttl < time.Minute || o.ttl > maxSecretIDTTL {
		return o, usagef("--secret-id-ttl %s: use a duration between 1m and %s", shortDuration(o.ttl), shortDuration(maxSecretIDTTL))
	}
	var err error
	if o.cidrs, err = parseBindCIDRs(c.StringSlice("bind-cidr")); err != nil {
		return o, usageError{err}
	}
	return o, nil
}

// parseBindCIDRs checks the --bind-cidr values and returns them in
// canonical form without duplicates. A bare address is taken as a block
// of one address.
func parseBindCIDRs(values []string) ([]string, error) {
	if len(values) > maxBindCIDRs {
		return nil, fmt.Errorf("--bind-cidr: %d address blocks, at most %d", len(values), maxBindCIDRs)
	}
	out := make([]string, 0, len(values))
	for _, v := range values {
		p, err := parseBindCIDR(v)
		if err != nil {
			return nil, err
		}
		if s := p.String(); !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out, nil
}

func parseBindCIDR(value string) (netip.Prefix, error) {
	s := strings.TrimSpace(value)
	if s == "" {
		return netip.Prefix{}, errors.New("--bind-cidr is empty: give the job host's address block, e.g. 192.0.2.10/32")
	}
	bad := fmt.Errorf("--bind-cidr %q: not an IP address block; write it as 192.0.2.0/24, 192.0.2.10/32 or 2001:db8::/64", value)
	var p netip.Prefix
	if strings.Contains(s, "/") {
		var err error
		if p, err = netip.ParsePrefix(s); err != nil {
			return p, bad
		}
	} else {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return p, bad
		}
		if a.Zone() != "" {
			return p, fmt.Errorf("--bind-cidr %q: an address with a zone (%%%s) cannot be bound; leave the zone out", value, a.Zone())
		}
		p = netip.PrefixFrom(a, a.BitLen())
	}
	a := p.Addr()
	switch {
	case a.Is4In6():
		hint := ""
		if p.Bits() >= 96 {
			hint = fmt.Sprintf(" (%s)", netip.PrefixFrom(a.Unmap(), p.Bits()-96).Masked())
		}
		return p, fmt.Errorf("--bind-cidr %q: an IPv4 address in IPv6 form; write it as IPv4%s", value, hint)
	case p.Bits() == 0:
		return p, fmt.Errorf("--bind-cidr %q: matches every address, so it binds nothing; give the job host's addresses", value)
	case p.IsSingleIP() && (a.IsUnspecified() || a.IsMulticast()):
		return p, fmt.Errorf("--bind-cidr %q: no connection comes from this address; give the job host's addresses", value)
	case p != p.Masked():
		return p, fmt.Errorf("--bind-cidr %q: bits after the /%d are set; did you mean %s (the block) or %s (the one address)?",
			value, p.Bits(), p.Masked(), netip.PrefixFrom(a, a.BitLen()))
	}
	return p, nil
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

// remindSetup issues the reminder job's new secret ID into a new file and
// then, unless told to keep them, destroys the role's other secret IDs.
// Up to the file being written nothing old is touched, so a failure
// never leaves the job without a working secret ID; a re-run finishes
// what a failed run left.
func (s *session) remindSetup(ctx context.Context, o remindSetupOptions) error {
	role := s.layout.ReminderRole()
	settings, err := s.client.AppRole(ctx, vault.AppRoleMount, role)
	if errors.Is(err, vault.ErrNotFound) {
		return fmt.Errorf("the reminder job's AppRole role %s does not exist: run `sellervault init`: %w", role, err)
	}
	if err != nil {
		return err
	}
	if settings.SecretIDTTL > 0 && o.ttl > settings.SecretIDTTL {
		return usagef("--secret-id-ttl %s: role %s allows at most %s", shortDuration(o.ttl), role, shortDuration(settings.SecretIDTTL))
	}
	roleID, err := s.client.AppRoleRoleID(ctx, vault.AppRoleMount, role)
	if err != nil {
		return err
	}

	f, err := os.OpenFile(o.path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return usagef("%s exists: choose a new path (the secret ID in it stays valid until a remind-setup replaces it)", o.path)
	}
	if err != nil {
		return err
	}
	closed, saved := false, false
	done, err := s.client.ReissueAppRoleSecretID(ctx, vault.AppRoleMount, role, vault.ReissueOptions{
		SecretIDOptions: vault.SecretIDOptions{TTL: o.ttl, BindCIDRs: o.cidrs},
		KeepOthers:      o.keep,
		Save: func(sid vault.SecretID) error {
			_, err := fmt.Fprintln(f, sid.ID)
			if err == nil {
				err = f.Sync()
			}
			closed = true
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			saved = err == nil
			return err
		},
	})
	if !saved {
		if !closed {
			f.Close()
		}
		os.Remove(o.path)
		return err
	}

	res := remindSetupResult{Role: role, RoleID: roleID, SecretIDFile: o.path, SecretIDTTL: "never",
		BoundCIDRs: o.cidrs, Destroyed: done.Destroyed}
	if done.New.TTL > 0 {
		res.SecretIDTTL = shortDuration(done.New.TTL)
		res.ExpiresAt = time.Now().Add(done.New.TTL).UTC().Format(time.RFC3339)
	}
	if done.Others >= 0 {
		kept := done.Others - done.Destroyed
		res.Kept = &kept
	}
	bound := "from any address"
	if len(o.cidrs) > 0 {
		bound = "bound to " + strings.Join(o.cidrs, ", ")
	}
	s.env.say("wrote a new secret ID for %s to %s (valid for %s, %s); give the job --role-id and --secret-id-file",
		role, o.path, res.SecretIDTTL, bound)
	switch {
	case done.Others < 0:
		s.env.say("could not list the secret IDs issued before, so none was destroyed")
	case o.keep:
		s.env.say("kept %s issued before valid (--keep-existing); they work until they expire", plural(done.Others, "secret ID"))
	case done.Destroyed < done.Others:
		s.env.say("destroyed %d of the %s issued before", done.Destroyed, plural(done.Others, "secret ID"))
	default:
		s.env.say("destroyed %s issued before", plural(done.Destroyed, "secret ID"))
	}
	if perr := s.printRemindSetup(res); perr != nil && err == nil {
		err = perr
	}
	if err != nil && !o.keep && (done.Others < 0 || done.Destroyed < done.Others) {
		return fmt.Errorf("the new secret ID in %s works, but secret IDs issued before are still valid: %w; "+
			"run remind-setup again with a new --secret-id-file to destroy them (and give the job that file)", o.path, err)
	}
	return err
}

func (s *session) printRemindSetup(r remindSetupResult) error {
	if s.format == "json" {
		if r.BoundCIDRs == nil {
			r.BoundCIDRs = []string{}
		}
		return s.env.writeJSON(r)
	}
	bound := "any"
	if len(r.BoundCIDRs) > 0 {
		bound = strings.Join(r.BoundCIDRs, ",")
	}
	return s.env.writeTable([]string{"ROLE", "ROLE ID", "SECRET ID FILE", "EXPIRES", "BOUND TO"},
		[][]string{{r.Role, r.RoleID, r.SecretIDFile, orDash(r.ExpiresAt), bound}})
}

// shortDuration writes a duration the way the flags take it: "720h",
// "1h30m", "90s".
func shortDuration(d time.Duration) string {
	s := d.String()
	for _, suffix := range []string{"m0s", "h0m"} {
		if len(s) > len(suffix) && strings.HasSuffix(s, suffix) {
			s = s[:len(s)-len(suffix)+1]
		}
	}
	return s
}
