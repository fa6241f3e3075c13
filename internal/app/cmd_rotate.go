package app

import (
	"sort"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/repo"
	"github.com/sellervault/sellervault/internal/rotation"
)

func rotateCommand(env *Env) *cli.Command {
	presets := make([]string, 0, len(rotation.Presets))
	for name := range rotation.Presets {
		presets = append(presets, name)
	}
	sort.Strings(presets)
	return &cli.Command{
		Name:      "rotate",
		Usage:     "rotate a password safely: a new one is kept as pending (and copied) until --confirm; the current one works until then (RECORD: STORE/NAME; a mailbox or phone only with --mark-done)",
		ArgsUsage: "RECORD",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "confirm", Usage: "the site accepted the new password: make it current"},
			&cli.BoolFlag{Name: "abort", Usage: "the change failed: drop the pending password"},
			&cli.BoolFlag{Name: "mark-done", Usage: "record a rotation done outside sellervault (the new password from the prompt, stdin or --secret-file)"},
			&cli.StringFlag{Name: "preset", Value: "default", Usage: "password rules: " + strings.Join(presets, ", ")},
			&cli.IntFlag{Name: "length", Usage: "password length (12-128), instead of the preset's"},
			&cli.DurationFlag{Name: "clear-after", Value: 45 * time.Second, Usage: "clear the clipboard after this long"},
			secretFileFlag,
		},
		Action: env.withRepo(func(c *cli.Context, s *session, r *repo.Repo) error {
			target, err := parsed(records.ParseTarget(oneArg(c)))
			if err != nil {
				return err
			}
			store, name, id := target.Store, target.Name, target.String()
			modes := 0
			for _, f := range []string{"confirm", "abort", "mark-done"} {
				if c.Bool(f) {
					modes++
				}
			}
			if modes > 1 {
				return usagef("--confirm, --abort and --mark-done: choose one")
			}
			if target.Kind != records.TargetCredential && !c.Bool("mark-done") {
				return usagef("a %s's secret is changed at its provider: change it there, then record it with `sellervault rotate %s --mark-done`", target.Kind, id)
			}
			switch {
			case c.Bool("confirm"):
				if err := r.Rotation().Confirm(c.Context, store, name, time.Now()); err != nil {
					return err
				}
				env.say("rotated %s: the new password is current", id)
				return nil
			case c.Bool("abort"):
				if err := r.Rotation().Abort(c.Context, store, name); err != nil {
					return err
				}
				env.say("dropped the pending password of %s; the current one is unchanged", id)
				return nil
			case c.Bool("mark-done"):
				what := "password"
				if target.Kind == records.TargetPhone {
					what = "SIM PIN"
				}
				secret, err := s.readSecret(c, "the new "+what+" of "+id+": ", true, target.Kind == records.TargetPhone)
				if err != nil {
					return err
				}
				if err := r.Rotation().MarkDone(c.Context, target, secret, time.Now()); err != nil {
					return err
				}
				env.say("recorded the rotation of %s", id)
				return nil
			}
			preset, ok := rotation.Presets[c.String("preset")]
			if !ok {
				return usagef("--preset %q: use one of %s", c.String("preset"), strings.Join(presets, ", "))
			}
			if c.IsSet("length") {
				preset.Length = c.Int("length")
			}
			pw, err := rotation.Generate(preset)
			if err != nil {
				return usageError{err}
			}
			if err := r.Rotation().Start(c.Context, store, name, pw, time.Now()); err != nil {
				return err
			}
			env.say("a new password for %s is pending; the current one still works", id)
			if err := copyToClipboard(pw, c.Duration("clear-after")); err != nil {
				env.say("could not copy it (%v): get it with `sellervault cred get %s --pending --copy` or --reveal", err, id)
			} else {
				env.say("it is on the clipboard: set it on the site's change-password form")
			}
			env.say("then run `sellervault rotate %s --confirm` (or --abort if the site refused it)", id)
			return nil
		}),
	}
}
