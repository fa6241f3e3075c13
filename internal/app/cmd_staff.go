package app

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/sellervault/sellervault/internal/connect"
	"github.com/sellervault/sellervault/internal/offboard"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/repo"
	"github.com/sellervault/sellervault/internal/staff"
)

// memberView is the JSON form of a team member.
type memberView struct {
	Name        string   `json:"name"`
	Role        string   `json:"role"`
	Stores      []string `json:"stores"`
	Email       string   `json:"email"`
	Phone       string   `json:"phone"`
	Status      string   `json:"status"`
	OnboardedAt string   `json:"onboarded_at"`
	OnboardedBy string   `json:"onboarded_by"`
}

func viewOf(m staff.Member) memberView {
	stores := m.Stores
	if stores == nil {
		stores = []string{}
	}
	return memberView{Name: m.Name, Role: m.Role, Stores: stores, Email: m.Email, Phone: m.Phone, Status: m.Status,
		OnboardedAt: m.OnboardedAt.UTC().Format(time.RFC3339), OnboardedBy: m.OnboardedBy}
}

func staffCommand(env *Env) *cli.Command {
	return &cli.Command{
		Name:  "staff",
		Usage: "team members: onboarding, role and store changes, offboarding with handover",
		Subcommands: []*cli.Command{
			{
				Name:      "onboard",
				Usage:     "bring a person in: identity, login, role and store access, mailbox and phone; prints a single-use token for their first login",
				ArgsUsage: "NAME",
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "role", Required: true, Usage: "ops, finance or manager"},
					&cli.StringFlag{Name: "stores", Usage: "comma-separated stores they work on"},
					&cli.StringFlag{Name: "email", Usage: "the company mailbox they get (must be company-owned and free)"},
					&cli.StringFlag{Name: "phone", Usage: "the company phone they get (must be company-owned and free)"},
					&cli.DurationFlag{Name: "wrap-ttl", Value: 24 * time.Hour, Usage: "how long the first-login token stays valid"},
				},
				Action: env.withRepo(func(c *cli.Context, s *session, r *repo.Repo) error {
					m, err := memberFromFlags(c)
					if err != nil {
						return err
					}
					token, err := r.Members().Onboard(c.Context, m, c.Duration("wrap-ttl"), time.Now)
					if err != nil {
						return err
					}
					env.say("onboarded %s as %s; send them this single-use token (valid %s): they run `sellervault login --wrapped` and choose their own password", m.Name, m.Role, c.Duration("wrap-ttl"))
					env.say("if they are told it was already used, someone else used it: onboard them again and find out how it leaked")
					return s.printToken(token)
				}),
			},
			{
				Name:      "set",
				Usage:     "change a member's role and stores; shows the access diff, then applies it",
				ArgsUsage: "NAME",
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "role", Usage: "ops, finance or manager (default: unchanged)"},
					&cli.StringFlag{Name: "stores", Usage: "the full comma-separated list of stores (default: unchanged)"},
					&cli.BoolFlag{Name: "dry-run", Usage: "show the diff and stop"},
				},
				Action: env.withRepo(func(c *cli.Context, s *session, r *repo.Repo) error {
					name, err := parsed(records.ParsePersonName(oneArg(c)))
					if err != nil {
						return err
					}
					m, _, err := r.Members().Get(c.Context, name)
					if err != nil {
						return err
					}
					role, stores := m.Role, m.Stores
					if c.IsSet("role") {
						if role, err = parsed(staff.ParseRole(c.String("role"))); err != nil {
							return err
						}
					}
					if c.IsSet("stores") {
						stores = nil
						for _, st := range records.SplitList(c.String("stores")) {
							n, err := parsed(records.ParseStoreName(st))
							if err != nil {
								return err
							}
							stores = append(stores, n)
						}
					}
					change, err := r.Members().SetAccess(c.Context, name, role, stores, c.Bool("dry-run"))
					if err != nil {
						return err
					}
					err = s.report(change, func() error {
						for _, g := range change.Add {
							fmt.Fprintf(env.Stdout, "+ %s\n", g)
						}
						for _, g := range change.Remove {
							fmt.Fprintf(env.Stdout, "- %s\n", g)
						}
						return nil
					})
					if err != nil {
						return err
					}
					switch {
					case len(change.Add)+len(change.Remove) == 0:
						env.say("nothing to change for %s", name)
					case c.Bool("dry-run"):
						env.say("dry run: nothing was changed")
					default:
						env.say("updated %s: role %s, stores %s", name, role, orDash(strings.Join(stores, ",")))
					}
					return nil
				}),
			},
			{
				Name:      "offboard",
				Usage:     "end a member's access at once, hand over what they held, mark what they could read for rotation; shows the plan first",
				ArgsUsage: "NAME",
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "handover-to", Required: true, Usage: "the active member who takes over"},
					&cli.BoolFlag{Name: "dry-run", Usage: "show the plan and stop"},
					&cli.StringFlag{Name: "report-dir", Value: ".", Usage: "where the Markdown and JSON handover report go"},
				},
				Action: env.withRepo(func(c *cli.Context, s *session, r *repo.Repo) error {
					name, err := parsed(records.ParsePersonName(oneArg(c)))
					if err != nil {
						return err
					}
					to, err := parsed(records.ParsePersonName(c.String("handover-to")))
					if err != nil {
						return err
					}
					if c.Bool("dry-run") {
						plan, err := offboard.Run(c.Context, connect.OffboardDeps(r), name, to, true, time.Now)
						if err != nil {
							return err
						}
						env.say("dry run: the plan for offboarding %s; nothing was changed", name)
						return s.printOffboard(plan)
					}
					// Offboard checks the member and the successor before it
					// changes anything: no separate planning pass is needed.
					rep, err := offboard.Run(c.Context, connect.OffboardDeps(r), name, to, false, time.Now)
					if rep == nil {
						return err
					}
					if perr := s.printOffboard(rep); perr != nil && err == nil {
						err = perr
					}
					// The report covers every run so far; a failed run
					// writes one too, marked incomplete.
					md, js, werr := writeOffboardReport(c.String("report-dir"), rep)
					if err != nil {
						if werr == nil {
							env.say("the offboarding of %s is not finished; what is done so far: %s and %s", name, md, js)
						}
						return err
					}
					if werr != nil {
						return werr
					}
					env.say("offboarded %s; handed over to %s; report of all %d run(s): %s and %s", name, to, rep.Runs, md, js)
					return nil
				}),
			},
			{
				Name:  "list",
				Usage: "list team members (from metadata)",
				Action: env.withRepo(func(c *cli.Context, s *session, r *repo.Repo) error {
					members, err := r.Members().List(c.Context)
					if err != nil {
						return err
					}
					out := make([]memberView, 0, len(members))
					rows := make([][]string, 0, len(members))
					for _, m := range members {
						out = append(out, viewOf(m))
						rows = append(rows, []string{m.Name, m.Role, orDash(strings.Join(m.Stores, ",")), orDash(m.Email), orDash(m.Phone), m.Status})
					}
					return s.render(out, []string{"NAME", "ROLE", "STORES", "MAILBOX", "PHONE", "STATUS"}, rows)
				}),
			},
			{
				Name:      "show",
				Usage:     "one team member",
				ArgsUsage: "NAME",
				Action: env.withRepo(func(c *cli.Context, s *session, r *repo.Repo) error {
					name, err := parsed(records.ParsePersonName(oneArg(c)))
					if err != nil {
						return err
					}
					m, _, err := r.Members().Get(c.Context, name)
					if err != nil {
						return err
					}
					v := viewOf(m)
					creds, err := r.Creds().List(c.Context, "")
					if err != nil {
						return err
					}
					held := []string{}
					for _, cr := range creds {
						if how := cr.HeldBy(name); how != records.NotHeld {
							held = append(held, cr.Address()+" ("+string(how)+")")
						}
					}
					return s.render(struct {
						memberView
						Credentials []string `json:"credentials"`
					}{v, held}, nil, [][]string{{"name", v.Name}, {"role", v.Role}, {"stores", orDash(strings.Join(v.Stores, ","))},
						{"mailbox", orDash(v.Email)}, {"phone", orDash(v.Phone)}, {"status", v.Status},
						{"onboarded", v.OnboardedAt + " by " + v.OnboardedBy}, {"credentials", orDash(strings.Join(held, ", "))}})
				}),
			},
		},
	}
}

func memberFromFlags(c *cli.Context) (staff.Member, error) {
	var m staff.Member
	var err error
	if m.Name, err = parsed(records.ParsePersonName(oneArg(c))); err != nil {
		return m, err
	}
	if m.Role, err = parsed(staff.ParseRole(c.String("role"))); err != nil {
		return m, err
	}
	for _, st := range records.SplitList(c.String("stores")) {
		name, err := parsed(records.ParseStoreName(st))
		if err != nil {
			return m, err
		}
		m.Stores = append(m.Stores, name)
	}
	if v := c.String("email"); v != "" {
		if m.Email, err = parsed(records.ParseEmail(v)); err != nil {
			return m, err
		}
	}
	if v := c.String("phone"); v != "" {
		if m.Phone, err = parsed(records.ParsePhone(v)); err != nil {
			return m, err
		}
	}
	return m, nil
}

// printToken prints the single-use wrapping token: the one value a
// manager may send by chat.
func (s *session) printToken(token string) error {
	return s.report(map[string]string{"wrapped_token": token}, func() error {
		_, err := s.env.Stdout.Write([]byte(token + "\n"))
		return err
	})
}

func (s *session) printOffboard(rep *offboard.Report) error {
	rows := make([][]string, 0, len(rep.Steps))
	for _, st := range rep.Steps {
		rows = append(rows, []string{st.Step, offboardState(rep, st), orDash(strings.Join(st.Items, ", "))})
	}
	return s.render(rep, []string{"STEP", "STATE", "ITEMS"}, rows)
}

// offboardState says what a step did: in this run, an earlier one, both.
func offboardState(rep *offboard.Report, st offboard.Step) string {
	switch {
	case st.Changed && rep.DryRun:
		return "to do"
	case st.Changed && len(st.Items) > len(st.ThisRun):
		return "done (part in an earlier run)"
	case st.Changed:
		return "done"
	case len(st.Items) > 0:
		return "done in an earlier run"
	}
	return "done already"
}

// writeOffboardReport writes the handover report as Markdown and JSON,
// readable by the owner only: it lists records, never their values.
func writeOffboardReport(dir string, rep *offboard.Report) (string, string, error) {
	base := filepath.Join(dir, "offboarding-"+rep.Member+"-"+strings.NewReplacer(":", "", "-", "").Replace(rep.At))
	var md strings.Builder
	complete := "yes"
	if !rep.Completed {
		complete = "no: run `sellervault staff offboard " + rep.Member + " --handover-to " + rep.HandedTo + "` again to finish"
	}
	fmt.Fprintf(&md, "# Offboarding of %s\n\n- handed over to: %s\n- by: %s\n- at: %s\n- started: %s\n- runs: %d\n- complete: %s\n\n",
		rep.Member, rep.HandedTo, rep.By, rep.At, rep.StartedAt, rep.Runs, complete)
	for _, st := range rep.Steps {
		fmt.Fprintf(&md, "## %s (%s)\n\n", st.Step, offboardState(rep, st))
		for _, it := range st.Items {
			fmt.Fprintf(&md, "- %s\n", it)
		}
		md.WriteString("\n")
	}
	js, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return "", "", err
	}
	if err := os.WriteFile(base+".md", []byte(md.String()), 0o600); err != nil {
		return "", "", err
	}
	if err := os.WriteFile(base+".json", append(js, '\n'), 0o600); err != nil {
		return "", "", err
	}
	return base + ".md", base + ".json", nil
}
