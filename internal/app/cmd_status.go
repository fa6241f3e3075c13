package app

import (
	"fmt"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/sellervault/sellervault/internal/connect"
)

func statusCommand(env *Env) *cli.Command {
	return &cli.Command{
		Name:  "status",
		Usage: "show the Vault in use, whether init has run, and who you are",
		Description: `Also checks, with one harmless request, whether the server passes
encoded dot-segments (%2e%2e) in request paths to Vault's ACL, which makes
any glob grant in a policy a door to its whole mount; the answer is a
warning and never changes the exit status.

Exit status: 0 when Vault answers, is unsealed and the token is valid;
4 when not logged in or the token is invalid; 6 when Vault is unreachable
or sealed.`,
		Action: func(c *cli.Context) error {
			s, err := env.newSession(c)
			if err != nil {
				return err
			}
			report, problem := s.conn.Status(c.Context)
			if report == nil {
				return problem
			}
			if err := s.printStatus(report); err != nil {
				return err
			}
			return problem
		},
	}
}

// printStatus renders the status report.
func (s *session) printStatus(r *connect.Status) error {
	return s.render(r, nil, statusRows(r))
}

// statusRows are the status report's lines in a table.
func statusRows(r *connect.Status) [][]string {
	initText := "unknown (this token may not read it)"
	if r.Initialized != nil {
		initText = "no: run `sellervault init` with an admin token"
		if *r.Initialized {
			initText = "yes, at " + r.InitializedAt
		}
	}
	rows := [][]string{
		{"address", r.Address},
		{"vault version", r.VaultVersion},
		{"sealed", fmt.Sprint(r.Sealed)},
	}
	if r.Namespace != "" {
		rows = append(rows, []string{"namespace", r.Namespace})
	}
	if r.Caller == nil {
		caller := r.CallerNotChecked
		if !strings.HasPrefix(caller, "not logged in") {
			caller = "not checked: " + caller
		}
		rows = append(rows, []string{"caller", caller},
			[]string{"dot-segments", dotSegmentsLine(r.DotSegments, r.DotSegmentsNotChecked)})
		return rows
	}
	who := r.Caller.DisplayName
	if r.Caller.EntityName != "" {
		who = r.Caller.EntityName + " (" + who + ")"
	}
	ttl := "never expires"
	if r.Caller.TTLSeconds > 0 {
		ttl = (time.Duration(r.Caller.TTLSeconds) * time.Second).String()
	}
	policies := append(append([]string{}, r.Caller.Policies...), r.Caller.IdentityPolicies...)
	rows = append(rows,
		[]string{"initialized", initText + " (mount " + r.Mount + ")"},
		[]string{"caller", who},
		[]string{"entity", orDash(r.Caller.EntityID)},
		[]string{"policies", strings.Join(policies, ", ")},
		[]string{"token ttl", ttl},
		[]string{"dot-segments", dotSegmentsLine(r.DotSegments, r.DotSegmentsNotChecked)},
	)
	return rows
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
