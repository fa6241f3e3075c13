package app

import (
	"fmt"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/sellervault/sellervault/internal/failure"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/repo"
)

// credFieldFlags are the non-secret fields of a credential, for add and edit.
func credFieldFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "login", Usage: "the login name or e-mail address"},
		&cli.StringFlag{Name: "url", Usage: "the sign-in page (https)"},
		&cli.StringFlag{Name: "notes", Usage: "free text (not secret)"},
		&cli.StringFlag{Name: "recovery-email", Usage: "the mailbox that can recover it (an `ADDRESS` from `email add`)"},
		&cli.StringFlag{Name: "recovery-phone", Usage: "the phone that can recover it (E.164, from `phone add`)"},
		&cli.StringFlag{Name: "owner", Usage: "the person responsible for it"},
		&cli.StringFlag{Name: "assignees", Usage: "comma-separated people who use it"},
		&cli.StringFlag{Name: "rotate-every", Usage: "rotation interval, e.g. 90d or 12w"},
	}
}

// applyCredFlags sets the fields given on the command line, validated.
func applyCredFlags(c *cli.Context, cred *records.Credential) (changed bool, err error) {
	set := func(name string, parse func(string) (string, error), field *string) error {
		if !c.IsSet(name) {
			return nil
		}
		v := strings.TrimSpace(c.String(name))
		if parse != nil && v != "" {
			if v, err = parsed(parse(v)); err != nil {
				return err
			}
		}
		*field, changed = v, true
		return nil
	}
	if err := set("login", nil, &cred.Login); err != nil {
		return false, err
	}
	if err := set("url", records.ParseURL, &cred.URL); err != nil {
		return false, err
	}
	if err := set("notes", nil, &cred.Notes); err != nil {
		return false, err
	}
	if err := set("recovery-email", records.ParseEmail, &cred.RecoveryEmail); err != nil {
		return false, err
	}
	if err := set("recovery-phone", records.ParsePhone, &cred.RecoveryPhone); err != nil {
		return false, err
	}
	if err := set("owner", records.ParsePersonName, &cred.Owner); err != nil {
		return false, err
	}
	if c.IsSet("assignees") {
		if cred.Assignees, err = parsed(records.ParsePersonList(c.String("assignees"))); err != nil {
			return false, err
		}
		changed = true
	}
	if c.IsSet("rotate-every") {
		if cred.Rotation.Every, err = parsed(records.ParseInterval(c.String("rotate-every"))); err != nil {
			return false, err
		}
		changed = true
	}
	return changed, nil
}

func credAddress(c *cli.Context) (store, name string, err error) {
	store, name, err = records.ParseCredAddress(oneArg(c))
	if err != nil {
		return "", "", usageError{err}
	}
	return store, name, nil
}

func credCommand(env *Env) *cli.Command {
	return &cli.Command{
		Name:  "cred",
		Usage: "marketplace logins and other credentials, each under a store",
		Subcommands: []*cli.Command{
			{
				Name:      "add",
				Usage:     "record a credential; the password comes from a no-echo prompt, stdin or --secret-file",
				ArgsUsage: "STORE/NAME",
				Flags:     append(credFieldFlags(), secretFileFlag),
				Action: env.withRepo(func(c *cli.Context, s *session, r *repo.Repo) error {
					store, name, err := credAddress(c)
					if err != nil {
						return err
					}
					cred := records.Credential{Store: store, Name: name}
					if _, err := applyCredFlags(c, &cred); err != nil {
						return err
					}
					if cred.Login == "" {
						return usagef("cred add needs --login")
					}
					if cred.Password, err = s.readSecret(c, "password for "+cred.Address()+": ", true, false); err != nil {
						return err
					}
					cred.Rotation.LastRotated = time.Now().UTC().Truncate(time.Second)
					if err := r.Creds().Add(c.Context, cred); err != nil {
						return err
					}
					env.say("added credential %s", cred.Address())
					return nil
				}),
			},
			{
				Name:      "get",
				Usage:     "show a credential with its password masked, or copy or reveal one field",
				ArgsUsage: "STORE/NAME",
				Flags:     append(retrievalFlags(), &cli.BoolFlag{Name: "pending", Usage: "the pending password of a rotation under way (for --copy or --reveal)"}),
				Action: env.withRepo(func(c *cli.Context, s *session, r *repo.Repo) error {
					store, name, err := credAddress(c)
					if err != nil {
						return err
					}
					cred, _, err := r.Creds().Get(c.Context, store, name)
					if err != nil {
						return err
					}
					fields := cred.Fields()
					if c.Bool("pending") {
						if cred.Pending == "" {
							return fmt.Errorf("%s has no pending password: %w", cred.Address(), failure.ErrNotFound)
						}
						if err := c.Set("field", "pending-password"); err != nil {
							return err
						}
					}
					return s.showRecord(c, records.KindCredential, cred.Address(), fields)
				}),
			},
			{
				Name:  "list",
				Usage: "list credentials from metadata (never values); --factors shows who can recover each",
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "store", Usage: "only this store"},
					&cli.BoolFlag{Name: "factors", Usage: "show each credential's recovery mailbox and phone, their holders, and warnings"},
				},
				Action: env.withRepo(func(c *cli.Context, s *session, r *repo.Repo) error {
					store, err := optionalStore(c)
					if err != nil {
						return err
					}
					creds, err := r.Creds().List(c.Context, store)
					if err != nil {
						return err
					}
					if c.Bool("factors") {
						return s.printFactors(c, r, creds)
					}
					return s.printCredList(creds)
				}),
			},
			{
				Name:      "edit",
				Usage:     "change fields of a credential, and with --secret its password",
				ArgsUsage: "STORE/NAME",
				Flags: append(credFieldFlags(), secretFileFlag,
					&cli.BoolFlag{Name: "secret", Usage: "set a new password (from the prompt, stdin or --secret-file)"}),
				Action: env.withRepo(func(c *cli.Context, s *session, r *repo.Repo) error {
					store, name, err := credAddress(c)
					if err != nil {
						return err
					}
					cred, version, err := r.Creds().Get(c.Context, store, name)
					if err != nil {
						return err
					}
					changed, err := applyCredFlags(c, &cred)
					if err != nil {
						return err
					}
					if c.Bool("secret") || c.IsSet("secret-file") {
						if cred.Password, err = s.readSecret(c, "new password for "+cred.Address()+": ", true, false); err != nil {
							return err
						}
						cred.Rotation.LastRotated = time.Now().UTC().Truncate(time.Second)
						changed = true
					}
					if !changed {
						return usagef("nothing to change: give a field flag or --secret")
					}
					if cred.Login == "" {
						return usagef("the login cannot be empty")
					}
					if err := r.Creds().Update(c.Context, cred, version); err != nil {
						return err
					}
					env.say("updated credential %s", cred.Address())
					return nil
				}),
			},
			{
				Name:      "history",
				Usage:     "list a credential's versions, when and by whom (values never shown)",
				ArgsUsage: "STORE/NAME",
				Action: env.withRepo(func(c *cli.Context, s *session, r *repo.Repo) error {
					store, name, err := credAddress(c)
					if err != nil {
						return err
					}
					versions, err := r.Creds().History(c.Context, store, name)
					if err != nil {
						return err
					}
					return s.printHistory(versions)
				}),
			},
			{
				Name:      "rm",
				Usage:     "delete a credential (recoverable with `cred undelete`)",
				ArgsUsage: "STORE/NAME",
				Action: env.withRepo(func(c *cli.Context, s *session, r *repo.Repo) error {
					store, name, err := credAddress(c)
					if err != nil {
						return err
					}
					if err := r.Creds().Delete(c.Context, store, name); err != nil {
						return err
					}
					env.say("deleted credential %s/%s (undo: sellervault cred undelete %s/%s)", store, name, store, name)
					return nil
				}),
			},
			{
				Name:      "undelete",
				Usage:     "bring back a deleted credential",
				ArgsUsage: "STORE/NAME",
				Action: env.withRepo(func(c *cli.Context, s *session, r *repo.Repo) error {
					store, name, err := credAddress(c)
					if err != nil {
						return err
					}
					if err := r.Creds().Undelete(c.Context, store, name); err != nil {
						return err
					}
					env.say("restored credential %s/%s", store, name)
					return nil
				}),
			},
		},
	}
}
