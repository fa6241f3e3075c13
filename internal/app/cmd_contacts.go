package app

import (
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/repo"
)

// contactFlags are the fields mailboxes and phones share.
func contactFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "assignee", Usage: "the person who holds it"},
		&cli.BoolFlag{Name: "personal", Usage: "it is someone's own, not the company's (it leaves with them)"},
		&cli.StringFlag{Name: "rotate-every", Usage: "rotation interval of its secret, e.g. 180d"},
		secretFileFlag,
	}
}

// contactCommon reads the shared flags.
func contactCommon(c *cli.Context) (assignee string, rot records.Rotation, err error) {
	if v := c.String("assignee"); v != "" {
		if assignee, err = parsed(records.ParsePersonName(v)); err != nil {
			return "", rot, err
		}
	}
	if c.IsSet("rotate-every") {
		if rot.Every, err = parsed(records.ParseInterval(c.String("rotate-every"))); err != nil {
			return "", rot, err
		}
	}
	rot.LastRotated = time.Now().UTC().Truncate(time.Second)
	return assignee, rot, nil
}

func emailCommand(env *Env) *cli.Command {
	return &cli.Command{
		Name:  "email",
		Usage: "company mailboxes (and personal ones in use), with their passwords",
		Subcommands: []*cli.Command{
			{
				Name:      "add",
				Usage:     "record a mailbox; its password comes from a no-echo prompt, stdin or --secret-file",
				ArgsUsage: "ADDRESS",
				Flags:     append(contactFlags(), &cli.StringFlag{Name: "recovery-phone", Usage: "the phone that can recover the mailbox (E.164)"}),
				Action: env.withRepo(func(c *cli.Context, s *session, r *repo.Repo) error {
					address, err := parsed(records.ParseEmail(oneArg(c)))
					if err != nil {
						return err
					}
					m := records.Mailbox{Address: address, Personal: c.Bool("personal")}
					if m.Assignee, m.Rotation, err = contactCommon(c); err != nil {
						return err
					}
					if v := c.String("recovery-phone"); v != "" {
						if m.RecoveryPhone, err = parsed(records.ParsePhone(v)); err != nil {
							return err
						}
					}
					if m.Password, err = s.readSecret(c, "password of mailbox "+address+": ", true, false); err != nil {
						return err
					}
					if err := r.Contacts().AddMailbox(c.Context, m); err != nil {
						return err
					}
					env.say("added mailbox %s (%s)", address, records.OwnedBy(m.Personal))
					return nil
				}),
			},
			{
				Name:      "get",
				Usage:     "show a mailbox with its password masked, or copy or reveal one field",
				ArgsUsage: "ADDRESS",
				Flags:     retrievalFlags(),
				Action: env.withRepo(func(c *cli.Context, s *session, r *repo.Repo) error {
					address, err := parsed(records.ParseEmail(oneArg(c)))
					if err != nil {
						return err
					}
					m, _, err := r.Contacts().GetMailbox(c.Context, address)
					if err != nil {
						return err
					}
					return s.showRecord(c, records.KindMailbox, address, m.Fields())
				}),
			},
			{
				Name:  "list",
				Usage: "list mailboxes from metadata (never passwords)",
				Action: env.withRepo(func(c *cli.Context, s *session, r *repo.Repo) error {
					boxes, err := r.Contacts().ListMailboxes(c.Context)
					if err != nil {
						return err
					}
					rows := make([][]records.Field, 0, len(boxes))
					for _, m := range boxes {
						rows = append(rows, m.Fields())
					}
					return s.printContactList(rows)
				}),
			},
		},
	}
}

func phoneCommand(env *Env) *cli.Command {
	return &cli.Command{
		Name:  "phone",
		Usage: "company phone numbers (and personal ones in use), with their SIM PINs",
		Subcommands: []*cli.Command{
			{
				Name:      "add",
				Usage:     "record a phone number (E.164); its SIM PIN comes from a no-echo prompt, stdin or --secret-file, and may be empty",
				ArgsUsage: "NUMBER",
				Flags:     append(contactFlags(), &cli.StringFlag{Name: "carrier", Usage: "the mobile operator"}),
				Action: env.withRepo(func(c *cli.Context, s *session, r *repo.Repo) error {
					number, err := parsed(records.ParsePhone(oneArg(c)))
					if err != nil {
						return err
					}
					p := records.Phone{Number: number, Carrier: c.String("carrier"), Personal: c.Bool("personal")}
					if p.Assignee, p.Rotation, err = contactCommon(c); err != nil {
						return err
					}
					if p.PIN, err = s.readSecret(c, "SIM PIN of "+number+" (empty for none): ", true, true); err != nil {
						return err
					}
					if err := r.Contacts().AddPhone(c.Context, p); err != nil {
						return err
					}
					env.say("added phone %s (%s)", number, records.OwnedBy(p.Personal))
					return nil
				}),
			},
			{
				Name:      "get",
				Usage:     "show a phone with its SIM PIN masked, or copy or reveal one field",
				ArgsUsage: "NUMBER",
				Flags:     retrievalFlags(),
				Action: env.withRepo(func(c *cli.Context, s *session, r *repo.Repo) error {
					number, err := parsed(records.ParsePhone(oneArg(c)))
					if err != nil {
						return err
					}
					p, _, err := r.Contacts().GetPhone(c.Context, number)
					if err != nil {
						return err
					}
					return s.showRecord(c, records.KindPhone, number, p.Fields())
				}),
			},
			{
				Name:  "list",
				Usage: "list phones from metadata (never PINs)",
				Action: env.withRepo(func(c *cli.Context, s *session, r *repo.Repo) error {
					phones, err := r.Contacts().ListPhones(c.Context)
					if err != nil {
						return err
					}
					rows := make([][]records.Field, 0, len(phones))
					for _, p := range phones {
						rows = append(rows, p.Fields())
					}
					return s.printContactList(rows)
				}),
			},
		},
	}
}

// printContactList prints mailboxes or phones, from metadata: their
// non-secret fields (secret fields are empty in metadata and left out).
func (s *session) printContactList(list [][]records.Field) error {
	var header []string
	var table [][]string
	var out []map[string]string
	for _, fields := range list {
		row := []string{}
		obj := map[string]string{}
		if header == nil {
			for _, f := range fields {
				if !f.Secret {
					header = append(header, f.Name)
				}
			}
		}
		for _, f := range fields {
			if !f.Secret {
				row = append(row, orDash(f.Value))
				obj[f.Name] = f.Value
			}
		}
		table = append(table, row)
		out = append(out, obj)
	}
	var columns []string // none when there is nothing to list
	if header != nil {
		columns = upper(header)
	}
	return s.render(out, columns, table)
}

func upper(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = strings.ToUpper(strings.ReplaceAll(n, "-", " "))
	}
	return out
}
