package app

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/sellervault/sellervault/internal/repo"
	"github.com/sellervault/sellervault/internal/totp"
)

// nextThreshold: with --next, a code with less time left than this is
// not worth typing; wait for the next one.
const nextThreshold = 5

// totpCodeView is the JSON form of a code.
type totpCodeView struct {
	Credential string `json:"credential"`
	Code       string `json:"code"`
	Remaining  int    `json:"remaining"`
}

func totpCommand(env *Env) *cli.Command {
	return &cli.Command{
		Name:  "totp",
		Usage: "2-step verification: seeds go into Vault and never come out; staff get codes",
		Subcommands: []*cli.Command{
			{
				Name:      "add",
				Usage:     "import a credential's TOTP seed (otpauth URI or base32 secret from the prompt, stdin, --secret-file, or a QR screenshot with --qr)",
				ArgsUsage: "STORE/NAME",
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "qr", Usage: "read the seed from a PNG or JPEG screenshot of the QR code at `FILE`"},
					&cli.BoolFlag{Name: "replace", Usage: "replace an existing key with this seed"},
					secretFileFlag,
				},
				Action: env.withRepo(func(c *cli.Context, s *session, r *repo.Repo) error {
					store, name, err := credAddress(c)
					if err != nil {
						return err
					}
					input, err := s.totpInput(c, store+"/"+name)
					if err != nil {
						return err
					}
					key, err := parsed(totp.Parse(input))
					if err != nil {
						return err
					}
					code, err := r.TOTP().Add(c.Context, store, name, key, c.Bool("replace"), time.Now)
					if err != nil {
						return err
					}
					env.say("imported the TOTP key of %s/%s into Vault; the seed cannot be read back", store, name)
					if c.IsSet("qr") {
						env.say("delete the QR screenshot %s now: it holds the seed", c.String("qr"))
					}
					env.say("enter this code on the marketplace to finish the 2-step set-up:")
					return s.printCode(store+"/"+name, code, totp.Remaining(key.Period, time.Now()))
				}),
			},
			{
				Name:      "code",
				Usage:     "the current code of a credential's TOTP key and the seconds it has left",
				ArgsUsage: "STORE/NAME",
				Flags: []cli.Flag{
					&cli.BoolFlag{Name: "copy", Usage: "copy the code to the clipboard, verify it, and clear it later"},
					&cli.BoolFlag{Name: "next", Usage: fmt.Sprintf("when fewer than %d seconds are left, wait for the next code", nextThreshold)},
					&cli.DurationFlag{Name: "clear-after", Value: 45 * time.Second, Usage: "clear the clipboard after this long (0: never)"},
				},
				Action: env.withRepo(func(c *cli.Context, s *session, r *repo.Repo) error {
					store, name, err := credAddress(c)
					if err != nil {
						return err
					}
					return totpCodeRun(c.Context, totpCodeOptions{
						Store: store, Name: name, Next: c.Bool("next"), Copy: c.Bool("copy"), ClearAfter: c.Duration("clear-after"),
						Codes: r.TOTP(), Now: time.Now, Sleep: sleep, Clip: copyToClipboard, Say: env.say, Print: s.printCode,
					})
				}),
			},
			{
				Name:  "list",
				Usage: "list the TOTP keys (never seeds): all for a manager; a member's, of the stores they may use",
				Action: env.withRepo(func(c *cli.Context, s *session, r *repo.Repo) error {
					keys, err := r.TOTP().List(c.Context)
					if err != nil {
						return err
					}
					rows := make([][]string, 0, len(keys))
					for _, k := range keys {
						digits := "-"
						if k.Digits > 0 {
							digits = fmt.Sprint(k.Digits)
						}
						rows = append(rows, []string{k.Credential, orDash(k.Issuer), orDash(k.Account), orDash(k.Algorithm),
							digits, fmt.Sprintf("%ds", k.Period)})
					}
					return s.render(keys, []string{"CREDENTIAL", "ISSUER", "ACCOUNT", "ALGORITHM", "DIGITS", "PERIOD"}, rows)
				}),
			},
			{
				Name:      "rm",
				Usage:     "delete a credential's TOTP key (re-enrol 2-step verification before you do)",
				ArgsUsage: "STORE/NAME",
				Action: env.withRepo(func(c *cli.Context, s *session, r *repo.Repo) error {
					store, name, err := credAddress(c)
					if err != nil {
						return err
					}
					if err := r.TOTP().Remove(c.Context, store, name); err != nil {
						return err
					}
					env.say("deleted the TOTP key of %s/%s", store, name)
					return nil
				}),
			},
		},
	}
}

// totpInput reads the seed: from a QR screenshot, or like any secret.
func (s *session) totpInput(c *cli.Context, id string) (string, error) {
	path := c.String("qr")
	if path == "" {
		return s.readSecret(c, "otpauth:// URI or secret key for "+id+": ", false, false)
	}
	if c.IsSet("secret-file") {
		return "", usagef("--qr and --secret-file: choose one")
	}
	f, err := os.Open(path)
	if err != nil {
		return "", usagef("--qr %s: %v", path, err)
	}
	defer f.Close()
	text, err := totp.DecodeQR(f)
	if err != nil {
		return "", usagef("--qr %s: %v", path, err)
	}
	return text, nil
}

func (s *session) printCode(id, code string, remaining int) error {
	return s.report(totpCodeView{Credential: id, Code: code, Remaining: remaining}, func() error {
		_, err := fmt.Fprintf(s.env.Stdout, "%s  (%d s left)\n", code, remaining)
		return err
	})
}

// totpCodeOptions is `totp code`: its parsed arguments and what it uses,
// so that totpCodeRun is tested without Vault, a clock or a terminal.
type totpCodeOptions struct {
	Store, Name string
	Next        bool          // wait for the next code when this one is nearly spent
	Copy        bool          // copy the code instead of printing it
	ClearAfter  time.Duration // with Copy: clear the clipboard after this long

	Codes interface {
		Code(ctx context.Context, store, name string) (code string, period int, err error)
	} // the store's TOTP keys (repo's TOTP facet)
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error // waits, or returns the context's end
	Clip  func(code string, clearAfter time.Duration) error
	Say   func(format string, args ...interface{})
	Print func(id, code string, remaining int) error
}

// totpCodeRun reads the credential's current code; with Next, a code with
// fewer than nextThreshold seconds left is skipped for the next one.
func totpCodeRun(ctx context.Context, o totpCodeOptions) error {
	code, period, err := o.Codes.Code(ctx, o.Store, o.Name)
	if err != nil {
		return err
	}
	remaining := totp.Remaining(period, o.Now())
	if o.Next && remaining < nextThreshold {
		o.Say("%d s left: waiting for the next code", remaining)
		if err := o.Sleep(ctx, time.Duration(remaining)*time.Second+200*time.Millisecond); err != nil {
			return errAborted
		}
		if code, period, err = o.Codes.Code(ctx, o.Store, o.Name); err != nil {
			return err
		}
		remaining = totp.Remaining(period, o.Now())
	}
	if o.Copy {
		if err := o.Clip(code, o.ClearAfter); err != nil {
			return err
		}
		o.Say("copied the code of %s/%s to the clipboard (%d s left)", o.Store, o.Name, remaining)
		return nil
	}
	return o.Print(o.Store+"/"+o.Name, code, remaining)
}

// sleep waits d, or until ctx ends (then its error).
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
