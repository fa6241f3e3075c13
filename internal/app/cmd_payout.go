package app

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/sellervault/sellervault/internal/clipboard"
	"github.com/sellervault/sellervault/internal/connect"
	"github.com/sellervault/sellervault/internal/payout"
	"github.com/sellervault/sellervault/internal/payoutchange"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/repo"
)

// errPayoutMismatch: what the marketplace shows differs from the golden copy.
var errPayoutMismatch = errors.New("does NOT match the golden copy: the payout account may have been tampered with; " +
	"save nothing, compare with `sellervault payout show`, and contact the marketplace's seller support")

// maxProposalBytes bounds a proposal read from stdin or a file.
const maxProposalBytes = 16 << 10

func payoutCommand(env *Env) *cli.Command {
	storeArg := func(c *cli.Context) (string, error) { return parsed(records.ParseStoreName(oneArg(c))) }
	return &cli.Command{
		Name:  "payout",
		Usage: "payout (bank) details: validated, masked, copied field by field, verified, changed only by two people",
		Subcommands: []*cli.Command{
			{
				Name:      "show",
				Usage:     "the payout record, masked, with each field's validity and who approved it",
				ArgsUsage: "STORE",
				Action: env.withPayout(func(c *cli.Context, s *session, p *payout.Current) error {
					return s.printPayout(p)
				}),
			},
			{
				Name:      "copy",
				Usage:     "copy the fields one at a time, in bank-form order, checking the clipboard is not tampered with",
				ArgsUsage: "STORE",
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "field", Usage: "copy only `FIELD` (holder, iban, bic, routing, account, …)"},
					&cli.DurationFlag{Name: "clear-after", Value: 45 * time.Second, Usage: "clear the clipboard after this long"},
				},
				Action: env.withPayout(func(c *cli.Context, s *session, p *payout.Current) error {
					return s.copyPayout(c, p)
				}),
			},
			{
				Name:      "verify",
				Usage:     "check a field as the marketplace shows it (pasted at the prompt or on stdin) against the golden copy",
				ArgsUsage: "STORE",
				Flags:     []cli.Flag{&cli.StringFlag{Name: "field", Value: "iban", Usage: "the `FIELD` to verify"}, secretFileFlag},
				Action: env.withPayout(func(c *cli.Context, s *session, p *payout.Current) error {
					name, store := c.String("field"), p.Store
					stored, ok := payoutField(p.Record, name)
					if !ok {
						return usagef("the payout record of %s has no field %q", store, name)
					}
					given, err := s.readSecret(c, "paste the "+name+" the marketplace shows for "+store+": ", false, false)
					if err != nil {
						return err
					}
					if !payout.Matches(name, stored, given) {
						return fmt.Errorf("%s of %s %w", name, store, errPayoutMismatch)
					}
					env.say("%s of %s matches the golden copy", name, store)
					if err := s.conn.Repo().Payouts().RecordVerification(c.Context, store, name, time.Now()); err != nil {
						return fmt.Errorf("it matches, but the verification was not recorded: %w", err)
					}
					return nil
				}),
			},
			{
				Name:      "propose",
				Usage:     "propose new payout details (JSON on stdin or --from-file, or prompts); another person approves",
				ArgsUsage: "STORE",
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "from-file", Usage: "read the proposal as one JSON object from `PATH`"},
					&cli.BoolFlag{Name: "dry-run", Usage: "validate and show the masked diff; write nothing"},
				},
				Action: env.withRepo(func(c *cli.Context, s *session, r *repo.Repo) error {
					store, err := storeArg(c)
					if err != nil {
						return err
					}
					rec, err := s.readProposal(c)
					if err != nil {
						return err
					}
					rec = rec.Normalize()
					if err := rec.Validate(); err != nil {
						return usageError{err}
					}
					q, err := connect.PayoutChanges(r).Propose(c.Context, store, rec, time.Now, c.Bool("dry-run"))
					if err != nil {
						return err
					}
					if err := s.printRequests([]*payoutchange.Request{q}); err != nil {
						return err
					}
					if c.Bool("dry-run") {
						env.say("dry run: the proposal is valid; nothing was written")
						return nil
					}
					cooling, err := r.Payouts().CoolingOff(c.Context)
					if err != nil {
						return err
					}
					env.say("proposed payout change %s for %s; another person approves it after the %s cooling-off: sellervault payout approve %s", q.ID, store, cooling, q.ID)
					return nil
				}),
			},
			{
				Name:  "requests",
				Usage: "list payout change requests (pending ones unless --all)",
				Flags: []cli.Flag{&cli.StringFlag{Name: "store", Usage: "only this store"}, &cli.BoolFlag{Name: "all", Usage: "decided ones too"}},
				Action: env.withRepo(func(c *cli.Context, s *session, r *repo.Repo) error {
					qs, err := connect.PayoutChanges(r).Requests(c.Context, c.String("store"))
					if err != nil {
						return err
					}
					if !c.Bool("all") {
						pending := qs[:0]
						for _, q := range qs {
							if q.Status == payoutchange.StatusPending {
								pending = append(pending, q)
							}
						}
						qs = pending
					}
					return s.printRequests(qs)
				}),
			},
			{
				Name:      "history",
				Usage:     "every proposal, approval and rejection of a store's payout details",
				ArgsUsage: "STORE",
				Action: env.withRepo(func(c *cli.Context, s *session, r *repo.Repo) error {
					store, err := storeArg(c)
					if err != nil {
						return err
					}
					qs, err := connect.PayoutChanges(r).Requests(c.Context, store)
					if err != nil {
						return err
					}
					return s.printRequests(qs)
				}),
			},
			{
				Name:  "approve",
				Usage: "apply a pending payout change (not your own, and after the cooling-off)",
				Description: "Shows every changed field masked (old → new, last four characters visible), computed from the\n" +
					"proposed record against the payout version it was made against, and asks you to type the last four\n" +
					"characters of the new IBAN or account number. Without a terminal, give them with --confirm-last4.",
				ArgsUsage: "ID|STORE/ID",
				Flags:     []cli.Flag{&cli.StringFlag{Name: "confirm-last4", Usage: "the last four characters of the new IBAN or account number (`XXXX`), when there is no terminal to ask on"}},
				Action: env.withRepo(func(c *cli.Context, s *session, r *repo.Repo) error {
					return payoutApproveRun(c.Context, payoutApproveOptions{
						ID: oneArg(c), ConfirmLast4: c.String("confirm-last4"), Terminal: isTerminal(env.Stdin),
						Changes: connect.PayoutChanges(r), Now: time.Now, Say: env.say,
						Ask: func(prompt string) (string, error) { return s.readSecret(c, prompt, false, false) },
					})
				}),
			},
			{
				Name:      "reject",
				Usage:     "close a pending payout change without applying it",
				ArgsUsage: "ID|STORE/ID",
				Flags:     []cli.Flag{&cli.StringFlag{Name: "reason", Usage: "why (recorded)"}},
				Action: env.withRepo(func(c *cli.Context, s *session, r *repo.Repo) error {
					q, err := connect.PayoutChanges(r).Reject(c.Context, oneArg(c), c.String("reason"), time.Now)
					if err != nil {
						return err
					}
					env.say("rejected payout change %s of %s", q.ID, q.Store)
					return nil
				}),
			},
		},
	}
}

// payoutField finds a field's stored (normalised) value by name.
func payoutField(rec payout.Record, name string) (string, bool) {
	for _, f := range rec.Fields() {
		if f.Name == name {
			return f.Value, true
		}
	}
	return "", false
}

// payoutView is the JSON form of `payout show`: masked values only.
type payoutView struct {
	Store      string            `json:"store"`
	Scheme     string            `json:"scheme"`
	Fields     map[string]string `json:"fields"`
	Validity   map[string]string `json:"validity"`
	ApprovedBy string            `json:"approved_by"`
	ApprovedAt string            `json:"approved_at"`
	RequestID  string            `json:"request_id"`
}

func (s *session) printPayout(p *payout.Current) error {
	view := payoutView{Store: p.Store, Scheme: p.Record.Scheme(), Fields: map[string]string{}, Validity: map[string]string{},
		ApprovedBy: p.ApprovedBy, ApprovedAt: p.ApprovedAt, RequestID: p.RequestID}
	var rows [][]string
	for _, f := range p.Record.Masked() {
		valid := "ok"
		if err := validatePayoutField(f.Name, fieldValue(p.Record, f.Name)); err != nil {
			valid = "INVALID: " + err.Error()
		}
		view.Fields[f.Name], view.Validity[f.Name] = f.Value, valid
		rows = append(rows, []string{f.Name, orDash(f.Value), valid})
	}
	rows = append(rows, []string{"approved by", orDash(p.ApprovedBy), ""}, []string{"approved at", orDash(p.ApprovedAt), ""},
		[]string{"request", orDash(p.RequestID), ""})
	return s.render(view, []string{"FIELD", "VALUE", "VALID"}, rows)
}

// validatePayoutField checks one stored field again, for display: data
// can go bad after it was approved (a registry change, a hand edit).
func validatePayoutField(name, value string) error {
	switch name {
	case "iban":
		return payout.ValidateIBAN(value)
	case "bic":
		return payout.ValidateBIC(value)
	case "routing":
		return payout.ValidateABA(value)
	case "holder":
		if strings.TrimSpace(value) == "" {
			return errors.New("empty")
		}
	}
	return nil
}

func fieldValue(rec payout.Record, name string) string {
	v, _ := payoutField(rec, name)
	return v
}

func (s *session) printRequests(qs []*payoutchange.Request) error {
	rows := make([][]string, 0, len(qs))
	for _, q := range qs {
		decided := ""
		if q.DecidedBy != "" {
			decided = q.DecidedBy + " " + q.DecidedAt
		}
		rows = append(rows, []string{q.ID, q.Store, q.Status, q.RequestedBy + " " + q.RequestedAt, orDash(decided), strings.Join(q.Diff, "; ")})
	}
	return s.render(qs, []string{"ID", "STORE", "STATUS", "REQUESTED", "DECIDED", "CHANGE (masked)"}, rows)
}

// readProposal reads a proposal: JSON from --from-file or a piped stdin,
// else one prompt per field on the terminal.
func (s *session) readProposal(c *cli.Context) (payout.Record, error) {
	if path := c.String("from-file"); path != "" {
		data, err := readLimited(path)
		if err != nil {
			return payout.Record{}, usagef("--from-file: %v", err)
		}
		return parsed(payout.ParseJSON(data))
	}
	if !isTerminal(s.env.Stdin) {
		data, err := io.ReadAll(io.LimitReader(s.env.Stdin, maxProposalBytes+1))
		if err != nil {
			return payout.Record{}, err
		}
		return parsed(payout.ParseJSON(data))
	}
	in := bufio.NewReader(s.env.Stdin)
	ask := func(label string) (string, error) {
		fmt.Fprintf(s.env.Stderr, "%s: ", label)
		line, err := in.ReadString('\n')
		if err != nil && line == "" {
			return "", errAborted
		}
		return strings.TrimSpace(line), nil
	}
	var r payout.Record
	for _, f := range []struct {
		label string
		to    *string
	}{
		{"account holder", &r.Holder}, {"IBAN (blank if none)", &r.IBAN}, {"BIC / SWIFT (blank if none)", &r.BIC},
		{"US routing number (blank if none)", &r.Routing}, {"account number (blank with an IBAN)", &r.Account},
		{"account type: checking or savings (US only)", &r.AccountType}, {"bank name", &r.Bank},
		{"country (2 letters)", &r.Country}, {"currency (3 letters)", &r.Currency}, {"payout provider (blank if none)", &r.Provider},
	} {
		v, err := ask(f.label)
		if err != nil {
			return payout.Record{}, err
		}
		*f.to = v
	}
	return r, nil
}

func readLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxProposalBytes+1))
	if err == nil && len(data) > maxProposalBytes {
		err = fmt.Errorf("larger than %d bytes", maxProposalBytes)
	}
	return data, err
}

func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// copyPayout copies one field, or walks them all in bank-form order: each
// goes on the clipboard alone, is read back, and after the user pastes it
// and presses Enter the clipboard must still hold it; a change in between
// (clipboard-hijacking malware swaps IBANs) stops the walk and clears it.
func (s *session) copyPayout(c *cli.Context, p *payout.Current) error {
	clearAfter := c.Duration("clear-after")
	fields := p.Record.Fields()
	if name := c.String("field"); name != "" {
		value, ok := payoutField(p.Record, name)
		if !ok || value == "" {
			return usagef("the payout record of %s has no field %q", p.Store, name)
		}
		if err := copyToClipboard(value, clearAfter); err != nil {
			return err
		}
		s.env.say("copied %s of %s (%s); it is cleared in %s", name, p.Store, maskedValue(p.Record, name), clearAfter)
		return nil
	}
	in := bufio.NewReader(s.env.Stdin)
	cb := clipboard.System()
	for i, f := range fields {
		// The next copy replaces the last field: no clear in between, which
		// on X11 could race the next write.
		if err := copyToClipboard(f.Value, clearAfter); err != nil {
			return err
		}
		s.env.say("%d/%d %s: %s is on the clipboard; paste it into the form, then press Enter", i+1, len(fields), f.Name, maskedValue(p.Record, f.Name))
		if _, err := in.ReadString('\n'); err != nil {
			_, _ = clipboard.ClearIfHolds(cb, f.Value)
			return errAborted
		}
		if held, err := clipboard.Holds(cb, f.Value); err != nil || !held {
			_ = cb.Write("") // whatever is there now must not be pasted
			return fmt.Errorf("%w: the clipboard changed while %s was on it; the clipboard was cleared. "+
				"Do not submit the form: check what was pasted against `sellervault payout show %s`", clipboard.ErrMismatch, f.Name, p.Store)
		}
	}
	if len(fields) > 0 {
		_, _ = clipboard.ClearIfHolds(cb, fields[len(fields)-1].Value)
	}
	s.env.say("all %d fields copied; the clipboard is cleared", len(fields))
	return nil
}

func maskedValue(rec payout.Record, name string) string {
	for _, f := range rec.Masked() {
		if f.Name == name {
			return f.Value
		}
	}
	return ""
}

// withPayout wraps an action on a store's payout record: the STORE
// argument checked, the record read.
func (e *Env) withPayout(action func(*cli.Context, *session, *payout.Current) error) cli.ActionFunc {
	return e.withRepo(func(c *cli.Context, s *session, r *repo.Repo) error {
		store, err := parsed(records.ParseStoreName(oneArg(c)))
		if err != nil {
			return err
		}
		p, err := r.Payouts().Get(c.Context, store)
		if err != nil {
			return err
		}
		return action(c, s, p)
	})
}

// payoutApproveOptions is `payout approve`: its parsed arguments and what
// it uses, so that payoutApproveRun is tested without Vault or a terminal.
type payoutApproveOptions struct {
	ID           string // ID or STORE/ID
	ConfirmLast4 string // --confirm-last4
	Terminal     bool   // stdin is a terminal to ask on

	Changes interface {
		FindRequest(ctx context.Context, id string) (*payoutchange.Request, error)
		CanApprove(ctx context.Context, q *payoutchange.Request, now func() time.Time) error
		ApproveRequest(ctx context.Context, q *payoutchange.Request, confirm string, now func() time.Time) (*payoutchange.Request, error)
	} // the two-person change control (package payoutchange)
	Now func() time.Time
	Say func(format string, args ...interface{})
	Ask func(prompt string) (string, error) // a no-echo prompt
}

// payoutApproveRun approves a payout change: the request is found and
// checked (not the caller's own, the cooling-off over) before anything
// is shown or asked; then every changed field is shown masked and the
// last four characters of the new IBAN or account number are asked for,
// or taken from --confirm-last4; the approval checks them.
func payoutApproveRun(ctx context.Context, o payoutApproveOptions) error {
	q, err := o.Changes.FindRequest(ctx, o.ID)
	if err != nil {
		return err
	}
	if err := o.Changes.CanApprove(ctx, q, o.Now); err != nil {
		return err
	}
	field, _ := payout.ConfirmationField(q.Record)
	o.Say("payout change %s of %s, requested by %s at %s, over payout version %d:", q.ID, q.Store, q.RequestedBy, q.RequestedAt, q.BaseVersion)
	for _, line := range q.Diff {
		o.Say("  %s", line)
	}
	confirm := o.ConfirmLast4
	if confirm == "" && field != "" {
		if !o.Terminal {
			return usagef("approve needs --confirm-last4 XXXX (the last four characters of the new %s) when there is no terminal to ask on", field)
		}
		typed, err := o.Ask("type the last four characters of the new " + field + " to approve: ")
		if err != nil {
			return err
		}
		confirm = strings.TrimSpace(typed)
	}
	q, err = o.Changes.ApproveRequest(ctx, q, confirm, o.Now)
	if err != nil {
		return err
	}
	o.Say("approved payout change %s: the payout record of %s is updated", q.ID, q.Store)
	return nil
}
