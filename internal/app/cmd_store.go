package app

import (
	"time"

	"github.com/urfave/cli/v2"

	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/repo"
)

func storeCommand(env *Env) *cli.Command {
	return &cli.Command{
		Name:  "store",
		Usage: "add, list, show and remove stores (seller accounts on a marketplace)",
		Subcommands: []*cli.Command{
			{
				Name:      "add",
				Usage:     "record a store and create its access group",
				ArgsUsage: "STORE",
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "marketplace", Required: true, Usage: "e.g. amazon, ebay, shopify, walmart"},
					&cli.StringFlag{Name: "region", Required: true, Usage: "country code (us, de, uk …), eu or global"},
					&cli.StringFlag{Name: "notes", Usage: "free text (not secret)"},
					&cli.BoolFlag{Name: "sensitive", Usage: "its name must not be pasted into chats: `redact` and `scan` find it"},
				},
				Action: env.withRepo(func(c *cli.Context, s *session, r *repo.Repo) error {
					name, err := parsed(records.ParseStoreName(oneArg(c)))
					if err != nil {
						return err
					}
					market, err := parsed(records.ParseMarketplace(c.String("marketplace")))
					if err != nil {
						return err
					}
					region, err := parsed(records.ParseRegion(c.String("region")))
					if err != nil {
						return err
					}
					if err := r.Stores().Add(c.Context, records.Store{Name: name, Marketplace: market, Region: region, Notes: c.String("notes"), Sensitive: c.Bool("sensitive")}); err != nil {
						return err
					}
					env.say("added store %s (%s, %s)", name, market, region)
					return nil
				}),
			},
			{
				Name:  "list",
				Usage: "list stores",
				Action: env.withRepo(func(c *cli.Context, s *session, r *repo.Repo) error {
					stores, err := r.Stores().List(c.Context)
					if err != nil {
						return err
					}
					type row struct {
						Name        string `json:"name"`
						Marketplace string `json:"marketplace"`
						Region      string `json:"region"`
					}
					out := make([]row, 0, len(stores))
					rows := make([][]string, 0, len(stores))
					for _, st := range stores {
						out = append(out, row{st.Name, st.Marketplace, st.Region})
						rows = append(rows, []string{st.Name, st.Marketplace, st.Region})
					}
					return s.render(out, []string{"STORE", "MARKETPLACE", "REGION"}, rows)
				}),
			},
			{
				Name:      "show",
				Usage:     "show a store",
				ArgsUsage: "STORE",
				Action: env.withRepo(func(c *cli.Context, s *session, r *repo.Repo) error {
					name, err := parsed(records.ParseStoreName(oneArg(c)))
					if err != nil {
						return err
					}
					st, err := r.Stores().Get(c.Context, name)
					if err != nil {
						return err
					}
					return s.printFields(records.KindStore, name, st.Fields())
				}),
			},
			{
				Name:      "rm",
				Usage:     "remove a store that has no credentials left, and end all access to it",
				ArgsUsage: "STORE",
				Action: env.withRepo(func(c *cli.Context, s *session, r *repo.Repo) error {
					name, err := parsed(records.ParseStoreName(oneArg(c)))
					if err != nil {
						return err
					}
					if err := r.Stores().Remove(c.Context, name); err != nil {
						return err
					}
					env.say("removed store %s and its access group", name)
					return nil
				}),
			},
		},
	}
}

// withRepo wraps an action that needs a logged-in session and the records
// repository.
func (e *Env) withRepo(action func(*cli.Context, *session, *repo.Repo) error) cli.ActionFunc {
	return func(c *cli.Context) error {
		s, err := e.newSession(c)
		if err != nil {
			return err
		}
		if err := s.requireToken(); err != nil {
			return err
		}
		r := s.conn.Repo()
		// A token near its end is renewed (up to its maximum), so a working
		// day is not cut short; a token that cannot be looked up is left to
		// the command, whose refusal then says why.
		_, _, _ = r.Members().RenewIfNear(c.Context, renewWithin, renewBy)
		return action(c, s, r)
	}
}

// A token with less than renewWithin left is renewed by renewBy (Vault
// caps it at the token's maximum: 24 hours for people's logins).
const (
	renewWithin = 2 * time.Hour
	renewBy     = 8 * time.Hour
)

// optionalStore reads --store: "" when not given, else a checked store
// name.
func optionalStore(c *cli.Context) (string, error) {
	if store := c.String("store"); store != "" {
		return parsed(records.ParseStoreName(store))
	}
	return "", nil
}

// oneArg is the command's single argument; checkArgs has made sure there
// is exactly one.
func oneArg(c *cli.Context) string { return c.Args().First() }
