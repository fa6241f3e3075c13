package app

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/urfave/cli/v2"

	"github.com/sellervault/sellervault/internal/phish"
	"github.com/sellervault/sellervault/policies"
)

// The verdicts of `check` other than ok, each with its exit code.
var (
	errSuspicious    = errors.New("suspicious")
	errUnknownDomain = errors.New("not on the allowlist")
)

// verdictError is a verdict's final message in its own words, with the
// error of its exit code (errSuspicious or errUnknownDomain).
type verdictError struct {
	msg  string
	kind error
}

func (e verdictError) Error() string { return e.msg }
func (e verdictError) Unwrap() error { return e.kind }

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
		Usage: "phishing checks: is a mail's sender or a link a marketplace's or payout provider's own (policies/domains.conf)? is a saved message genuine?",
		Subcommands: []*cli.Command{
			sub("sender", "ADDRESS", `check a mail's sender, e.g. "Amazon <seller-notification@amazon.com>"; exit 0 ok, 12 suspicious, 13 unknown`,
				(*phish.Allowlist).CheckSender),
			sub("url", "URL", "check a link before opening it; exit 0 ok, 12 suspicious, 13 unknown", (*phish.Allowlist).CheckURL),
			checkMailCommand(env),
		},
	}
}

func (e *Env) printCheck(format string, r phish.Result) error {
	rows := [][]string{{"verdict", string(r.Verdict)}, {"domain", orDash(r.Domain)}, {"brand", orDash(r.Brand)}}
	for _, reason := range r.Reasons {
		rows = append(rows, []string{"reason", reason})
	}
	return e.render(format, r, nil, oneLineCells(rows))
}

// oneLineCells keeps every cell of a check's table on its line and in its
// column: a line break, tab or other control character, or a
// bidirectional override, in a value (text quoted from a mail or a link)
// is written as an escape (\n, \u202e).
func oneLineCells(rows [][]string) [][]string {
	for _, row := range rows {
		for i, cell := range row {
			if strings.IndexFunc(cell, breaksLine) < 0 {
				continue
			}
			var b strings.Builder
			for _, r := range cell {
				if breaksLine(r) {
					q := strconv.QuoteRuneToASCII(r)
					b.WriteString(q[1 : len(q)-1])
				} else {
					b.WriteRune(r)
				}
			}
			row[i] = b.String()
		}
	}
	return rows
}

// breaksLine reports whether r can break a table's line or columns, or
// reorder how a terminal shows it.
func breaksLine(r rune) bool {
	return unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || unicode.Is(unicode.Bidi_Control, r)
}
