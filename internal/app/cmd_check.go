package app

import (
	"errors"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/sellervault/sellervault/internal/phish"
	"github.com/sellervault/sellervault/policies"
)

// The verdicts of `check` other than ok, each with its exit code.
var (
	errSuspicious    = errors.New("suspicious")
	errUnknownDomain = errors.New("not on the allowlist")
)

func checkCommand(env *Env) *cli.Command {
	sub := func(name, arg, usage string, check func(*phish.Allowlist, string) (phish.Result, error)) *cli.Command {
		return &cli.Command{
			Name:      name,
			Usage:     usage,
			ArgsUsage: arg,
			Action: func(c *cli.Context) error {
				format, err := outputFormat(c)
				if err != nil {
					return err
				}
				list, err := phish.ParseAllowlist(policies.Domains())
				if err != nil {
					return err
				}
				res, err := check(list, oneArg(c))
				if err != nil {
					return err
				}
				if err := env.printCheck(format, res); err != nil {
					return err
				}
				switch res.Verdict {
				case phish.Suspicious:
					return fmt.Errorf("%s is %w: do not sign in, reply or pay from it", res.Domain, errSuspicious)
				case phish.Unknown:
					return fmt.Errorf("%s is %w of marketplaces and payout providers", res.Domain, errUnknownDomain)
				}
				return nil
			},
		}
	}
	return &cli.Command{
		Name:  "check",
		Usage: "phishing checks: is a mail's sender or a link a marketplace's or payout provider's own (policies/domains.conf)?",
		Subcommands: []*cli.Command{
			sub("sender", "ADDRESS", `check a mail's sender, e.g. "Amazon <seller-notification@amazon.com>"; exit 0 ok, 12 suspicious, 13 unknown`,
				(*phish.Allowlist).CheckSender),
			sub("url", "URL", "check a link before opening it; exit 0 ok, 12 suspicious, 13 unknown", (*phish.Allowlist).CheckURL),
		},
	}
}

func (e *Env) printCheck(format string, r phish.Result) error {
	if format == "json" {
		return e.writeJSON(r)
	}
	rows := [][]string{{"verdict", string(r.Verdict)}, {"domain", orDash(r.Domain)}, {"brand", orDash(r.Brand)}}
	for _, reason := range r.Reasons {
		rows = append(rows, []string{"reason", reason})
	}
	return e.writeTable(nil, rows)
}
