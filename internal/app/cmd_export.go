package app

import (
	"time"

	"github.com/urfave/cli/v2"

	"github.com/sellervault/sellervault/internal/export"
)

func exportCommand(env *Env) *cli.Command {
	return &cli.Command{
		Name: "export",
		Usage: "an inventory for audits and spreadsheets (--format csv or json): stores, records, owners, " +
			"assignees, rotation dates and masked identifiers; never a value",
		Flags: []cli.Flag{
			dueWithinFlag,
		},
		Action: func(c *cli.Context) error {
			s, err := env.newSession(c, "csv")
			if err != nil {
				return err
			}
			if err := s.requireToken(); err != nil {
				return err
			}
			window, defaults, err := schedule(c)
			if err != nil {
				return err
			}
			r := s.conn.Repo()
			r.VerifyEveryListing() // an export is acted on: every mirror checked
			inv, err := r.Rotation().Inventory(c.Context)
			if err != nil {
				return err
			}
			rows := export.Rows(inv, defaults, time.Now(), window)
			if s.format == "json" {
				return export.WriteJSON(env.Stdout, rows)
			}
			return export.WriteCSV(env.Stdout, rows) // the default: table means csv here
		},
	}
}
