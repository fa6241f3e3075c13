package app

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/sellervault/sellervault/internal/connect"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/redact"
	"github.com/sellervault/sellervault/internal/reindex"
	"github.com/sellervault/sellervault/internal/repo"
)

// errFound: scan found secrets in the text.
var errFound = errors.New("secrets found")

var (
	patternsOnlyFlag = &cli.BoolFlag{Name: "patterns-only", Usage: "patterns only (IBANs, card and phone numbers, addresses of --team-domain, otpauth URIs, TOTP seeds, Vault tokens, private keys): offline, no Vault"}
	teamDomainFlag   = &cli.StringSliceFlag{Name: "team-domain", Usage: "a mail domain of the team, whose addresses are masked (besides those Vault lists); repeatable"}
)

// redactOptions loads what detection needs: the indexes of the caller's
// audiences, each with its Transit hasher, and the team's mail domains;
// or nothing from Vault with --patterns-only.
func (e *Env) redactOptions(c *cli.Context) (redact.Options, error) {
	var domains []string
	for _, d := range c.StringSlice("team-domain") {
		domain, err := parsed(records.ParseDomain(d))
		if err != nil {
			return redact.Options{}, err
		}
		domains = append(domains, domain)
	}
	if c.Bool("patterns-only") {
		return redact.Options{PatternsOnly: true, TeamDomains: domains}, nil
	}
	s, err := e.newSession(c)
	if err != nil {
		return redact.Options{}, err
	}
	if err := s.requireToken(); err != nil {
		return redact.Options{}, err
	}
	o, err := s.conn.Repo().Index().RedactOptions(c.Context)
	if err != nil {
		return o, fmt.Errorf("%w (--patterns-only works without Vault)", err)
	}
	o.TeamDomains = append(o.TeamDomains, domains...)
	return o, nil
}

func redactCommand(env *Env) *cli.Command {
	return &cli.Command{
		Name: "redact",
		Usage: "copy stdin to stdout with the team's known secrets and secret-shaped strings replaced by [REDACTED:kind], " +
			"before text goes to a chat, a ticket or an AI tool",
		Flags: []cli.Flag{
			patternsOnlyFlag, teamDomainFlag,
			&cli.BoolFlag{Name: "reindex", Usage: "rebuild the redaction index from every record's values (managers), then exit"},
		},
		Action: func(c *cli.Context) error {
			if c.Bool("reindex") {
				return env.withRepo(func(c *cli.Context, s *session, r *repo.Repo) error {
					rep, err := reindex.Run(c.Context, connect.ReindexDeps(r))
					if err != nil {
						return err
					}
					env.say("rebuilt the redaction indexes of %d audiences: %d values of %d records", rep.Audiences, rep.Entries, rep.Records)
					return nil
				})(c)
			}
			o, err := env.redactOptions(c)
			if err != nil {
				return err
			}
			out := bufio.NewWriterSize(env.Stdout, 64<<10)
			stats, err := redact.Redact(c.Context, env.Stdin, out, o)
			if err != nil {
				return fmt.Errorf("redact: %w (the output is incomplete: do not send it)", err)
			}
			if err := out.Flush(); err != nil {
				return err
			}
			if stats.Findings > 0 {
				env.say("redacted %d", stats.Findings)
			}
			return nil
		},
	}
}

func scanCommand(env *Env) *cli.Command {
	return &cli.Command{
		Name:      "scan",
		Usage:     "find the team's known secrets and secret-shaped strings in files (or stdin): prints LINE:COLUMN KIND, never the value; exit 14 when something is found",
		ArgsUsage: "[FILE...]",
		Flags:     []cli.Flag{patternsOnlyFlag, teamDomainFlag},
		Action: func(c *cli.Context) error {
			format, err := outputFormat(c)
			if err != nil {
				return err
			}
			o, err := env.redactOptions(c)
			if err != nil {
				return err
			}
			type input struct {
				name string
				open func() (io.ReadCloser, error)
			}
			var inputs []input
			for _, path := range c.Args().Slice() {
				inputs = append(inputs, input{path, func() (io.ReadCloser, error) { return os.Open(path) }})
			}
			if len(inputs) == 0 {
				inputs = append(inputs, input{"", func() (io.ReadCloser, error) { return io.NopCloser(env.Stdin), nil }})
			}
			type finding struct {
				File   string `json:"file,omitempty"`
				Line   int    `json:"line"`
				Column int    `json:"column"`
				Kind   string `json:"kind"`
			}
			all := []finding{}
			for _, in := range inputs {
				f, err := in.open()
				if err != nil {
					return err
				}
				findings, err := redact.Scan(c.Context, f, o)
				f.Close()
				if err != nil {
					return fmt.Errorf("scan %s: %w", orDash(in.name), err)
				}
				for _, fd := range findings {
					all = append(all, finding{File: in.name, Line: fd.Line, Column: fd.Column, Kind: fd.Kind})
				}
			}
			err = env.report(format, all, func() error {
				for _, fd := range all {
					prefix := ""
					if fd.File != "" {
						prefix = fd.File + ":"
					}
					fmt.Fprintf(env.Stdout, "%s%d:%d %s\n", prefix, fd.Line, fd.Column, fd.Kind)
				}
				return nil
			})
			if err != nil {
				return err
			}
			if len(all) > 0 {
				return fmt.Errorf("%d %w: redact them (`sellervault redact`) before the text is sent", len(all), errFound)
			}
			return nil
		},
	}
}
