package app

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/sellervault/sellervault/internal/connect"
	"github.com/sellervault/sellervault/internal/doctor"
	"github.com/sellervault/sellervault/internal/repo"
)

// errDoctorFound is a dry run that found something to repair.
var errDoctorFound = errors.New("doctor found something to repair")

func doctorCommand(env *Env) *cli.Command {
	return &cli.Command{
		Name:  "doctor",
		Usage: "find and repair what an interrupted command or an edit made with Vault's own CLI left behind (a manager's job)",
		Description: `Checks the whole team: each credential's metadata against its data (an
interrupted write, a failover, or an edit with ` + "`vault kv put`/`patch`" + `),
each store's credential listing against that metadata, offboardings that a
failed run left unfinished, open incidents whose lockdown a failed run cut
short, and each redaction index against its records' values. Without
--dry-run it repairs what it finds: the metadata is written again from the
data, listings and lagging indexes are rebuilt, and unfinished offboardings
and lockdowns are run again. It reads every record, so it is for after a
failure or an edit, not for every day. Names only, never a value.

Exit status: 0 when nothing needed repair (or all was repaired); 17 on a
dry run that found something.`,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "dry-run", Usage: "find and report, repair nothing"},
		},
		Action: env.withRepo(func(c *cli.Context, s *session, r *repo.Repo) error {
			rep, err := doctor.Run(c.Context, connect.DoctorDeps(r), c.Bool("dry-run"), time.Now)
			if rep != nil {
				if perr := s.printDoctor(rep); perr != nil && err == nil {
					err = perr
				}
			}
			if err != nil {
				return err
			}
			things := plural(rep.Things(), "thing")
			checked := plural(rep.Credentials, "credential")
			switch {
			case !rep.Found():
				env.say("nothing to repair: %s checked", checked)
			case rep.DryRun:
				env.say("dry run: %s to repair; run `sellervault doctor` to repair them", things)
				return silentError{errDoctorFound}
			default:
				env.say("repaired %s; %s checked", things, checked)
			}
			return nil
		}),
	}
}

func (s *session) printDoctor(rep *doctor.Report) error {
	action := "repaired"
	if rep.DryRun {
		action = "to repair"
	}
	rows := [][]string{{"credentials checked", strconv.Itoa(rep.Credentials), ""}}
	for _, g := range []struct {
		what  string
		items []string
	}{{"metadata behind its data", rep.Mirrors}, {"credential listing out of date", rep.Listings}, {"offboarding unfinished", rep.Offboardings},
		{"incident lockdown unfinished", rep.Incidents}, {"redaction index behind its records", rep.Indexes}} {
		state := action
		if len(g.items) == 0 {
			state = "-"
		}
		rows = append(rows, []string{g.what, orDash(strings.Join(g.items, "; ")), state})
	}
	return s.render(rep, []string{"CHECK", "FOUND", "STATE"}, rows)
}
