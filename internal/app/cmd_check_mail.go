package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/sellervault/sellervault/internal/mailcheck"
	"github.com/sellervault/sellervault/internal/phish"
	"github.com/sellervault/sellervault/policies"
)

// dkimLookupTimeout bounds all the DNS lookups of DKIM keys for a message.
const dkimLookupTimeout = 10 * time.Second

func checkMailCommand(env *Env) *cli.Command {
	return &cli.Command{
		Name:      "mail",
		Usage:     "check a saved message (.eml; - reads stdin): sender, Reply-To and Return-Path, SPF/DKIM/DMARC, links, attachments, and requests for passwords, codes, bank details or remote access; exit 0 ok, 12 suspicious, 13 unknown",
		ArgsUsage: "FILE",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "offline", Usage: "do not look up DKIM keys in DNS: judge by the receiving server's Authentication-Results alone"},
		},
		Action: func(c *cli.Context) error {
			format, err := outputFormat(c)
			if err != nil {
				return err
			}
			raw, err := readMessage(env, oneArg(c))
			if err != nil {
				return err
			}
			list, err := phish.ParseAllowlist(policies.Domains())
			if err != nil {
				return err
			}
			opts := mailcheck.Options{Allowlist: list}
			if !c.Bool("offline") {
				// one deadline for every key lookup of the message
				ctx, cancel := context.WithTimeout(c.Context, dkimLookupTimeout)
				defer cancel()
				opts.LookupTXT = lookupTXT(ctx)
			}
			rep, err := mailcheck.Check(raw, opts)
			if err != nil {
				return err
			}
			if err := env.printMail(format, rep); err != nil {
				return err
			}
			return mailVerdict(rep, c.Bool("offline"))
		},
	}
}

// readMessage reads a message file, or stdin for "-", refusing one larger
// than mail servers carry.
func readMessage(env *Env, path string) ([]byte, error) {
	var in io.Reader = env.Stdin
	name := "stdin"
	if path != "-" {
		f, err := os.Open(path)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, usagef("%s: no such file", path)
		}
		if err != nil {
			return nil, err
		}
		defer f.Close()
		in, name = f, path
	}
	raw, err := io.ReadAll(io.LimitReader(in, mailcheck.MaxMessageBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if len(raw) > mailcheck.MaxMessageBytes {
		return nil, usagef("%s is larger than %d MiB: is it a saved mail message (.eml)?", name, mailcheck.MaxMessageBytes>>20)
	}
	return raw, nil
}

// lookupTXT looks DKIM keys up in DNS until ctx's deadline (one for all
// the lookups of a message).
func lookupTXT(ctx context.Context) func(string) ([]string, error) {
	return func(name string) ([]string, error) {
		return net.DefaultResolver.LookupTXT(ctx, name)
	}
}

// mailVerdict is the final message of a verdict other than ok, carrying
// its exit code.
func mailVerdict(rep *mailcheck.Report, offline bool) error {
	switch {
	case rep.Verdict == phish.Suspicious:
		return fmt.Errorf("the message is %w: do not sign in, reply, pay or install anything from it", errSuspicious)
	case rep.Verdict == phish.Unknown && rep.Brand != "":
		msg := fmt.Sprintf("nothing confirms that the message comes from %s: go to the marketplace by typing its address yourself, not through the message's links", rep.Domain)
		if offline {
			msg += "; run without --offline to verify its DKIM signature"
		}
		return verdictError{msg: msg, kind: errUnknownDomain}
	case rep.Verdict == phish.Unknown:
		return fmt.Errorf("the sender %s is %w of marketplaces and payout providers", rep.Domain, errUnknownDomain)
	}
	return nil
}

func (e *Env) printMail(format string, r *mailcheck.Report) error {
	rows := [][]string{{"verdict", string(r.Verdict)}, {"from", orDash(r.From)}, {"domain", orDash(r.Domain)}, {"brand", orDash(r.Brand)}}
	for _, h := range []struct{ name, value string }{{"reply-to", r.ReplyTo}, {"return-path", r.ReturnPath}, {"sender", r.Sender}} {
		if h.value != "" {
			rows = append(rows, []string{h.name, h.value})
		}
	}
	a := r.Authentication
	by := ""
	if a.Server != "" {
		by = " (" + a.Server + ")"
	}
	if !a.Found {
		rows = append(rows, []string{"received", "no Authentication-Results from the receiving server"})
	} else {
		for _, m := range []struct{ name, value string }{{"spf", a.SPF}, {"dkim", a.DKIM}, {"dmarc", a.DMARC}} {
			rows = append(rows, []string{m.name, orDash(m.value) + by})
		}
	}
	switch {
	case !r.DKIMChecked:
		rows = append(rows, []string{"dkim here", "not verified (--offline)"})
	case len(r.Signatures) == 0:
		rows = append(rows, []string{"dkim here", "no signature"})
	}
	for _, s := range r.Signatures {
		v := orDash(s.Domain) + ": " + s.Result
		if s.Detail != "" {
			v += " (" + s.Detail + ")"
		}
		rows = append(rows, []string{"dkim here", v})
	}
	for _, l := range r.Links {
		rows = append(rows, []string{"link", fmt.Sprintf("%s: %s, %s", orElseText(l.Domain, "(unreadable)"), l.Verdict, plural(l.Count, "link"))})
	}
	for _, at := range r.Attachments {
		v := fmt.Sprintf(`"%s" %s, %d bytes`, at.Name, at.Type, at.Size)
		if at.Kind != "" {
			v += ": " + at.Kind
		}
		rows = append(rows, []string{"attachment", v})
	}
	for _, q := range r.Requests {
		rows = append(rows, []string{"request", q.Kind + `: "` + q.Phrase + `"`})
	}
	for _, reason := range r.Reasons {
		rows = append(rows, []string{"reason", reason})
	}
	return e.render(format, r, nil, oneLineCells(rows))
}

func orElseText(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
