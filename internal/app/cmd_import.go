package app

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/sellervault/sellervault/internal/connect"
	"github.com/sellervault/sellervault/internal/importer"
	"github.com/sellervault/sellervault/internal/importrun"
	"github.com/sellervault/sellervault/internal/repo"
)

func importCommand(env *Env) *cli.Command {
	return &cli.Command{
		Name:      "import",
		Usage:     "bring credentials in from a spreadsheet (CSV), a Bitwarden JSON export or a 1Password CSV export",
		ArgsUsage: "FILE",
		Description: `Reads the whole file and checks every row first: if any row is wrong, it lists
every bad row (by row or item number and column, never a value) and writes nothing.
Then it adds each credential, skips one that exists (--on-duplicate update writes the
file's fields over it instead) and prints a row-by-row table of what it did.

--from csv        sellervault's CSV, with the header
                  ` + importer.CSVHeader + `
                  (any order; store, name, login and password are required; UTF-8)
--from bitwarden  Bitwarden's unencrypted .json export: login items; a folder's name
                  is the store
--from 1password  1Password's CSV export (` + importer.OnePasswordHeader + `);
                  needs --store

Names are lower-cased and spaces become hyphens ("Seller Central" is seller-central).
Stores must exist (sellervault store add). TOTP seeds are never imported: enrol them
with sellervault totp add. Afterwards, delete the file: it holds every password.`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "from", Required: true, Usage: "the file's format: csv, bitwarden or 1password"},
			&cli.StringFlag{Name: "store", Usage: "put every credential in `STORE` (fills or overrides the file's store column or folders)"},
			&cli.BoolFlag{Name: "dry-run", Usage: "check the whole file and show what would be done; write nothing"},
			&cli.StringFlag{Name: "on-duplicate", Value: "skip", Usage: "a credential that exists already: skip or update"},
		},
		Action: env.withRepo(func(c *cli.Context, s *session, r *repo.Repo) error {
			return s.runImport(c, r)
		}),
	}
}

func (s *session) runImport(c *cli.Context, r *repo.Repo) error {
	ctx := c.Context
	format, err := parsed(importer.ParseFormat(c.String("from")))
	if err != nil {
		return err
	}
	dup, err := parsed(importer.ParseOnDuplicate(c.String("on-duplicate")))
	if err != nil {
		return err
	}
	store, err := optionalStore(c)
	if err != nil {
		return err
	}
	if format == importer.OnePassword && store == "" {
		return usagef("--store STORE is needed with --from 1password: its CSV export does not say which store a login belongs to")
	}
	path := oneArg(c)
	data, err := readImportFile(path)
	if err != nil {
		return err
	}
	res, err := importer.Parse(format, data, importer.Options{Store: store})
	clear(data)
	if err != nil {
		return usageError{fmt.Errorf("%s: %w", path, err)}
	}
	inv, err := importInventory(ctx, r, res, store)
	if err != nil {
		return err
	}
	plan := importer.NewPlan(res, inv, dup)
	if sum := res.IgnoredSummary(); sum != "" {
		s.env.say("left out %s (sellervault imports current logins only)", sum)
	}
	if !plan.Valid() {
		var bad []importer.Item
		for _, it := range plan.Items {
			if it.Action == importer.ActionError {
				bad = append(bad, it)
			}
		}
		if err := s.printImport(res, bad, c.Bool("dry-run")); err != nil {
			return err
		}
		return usageError{fmt.Errorf("%s: %w", path, plan.Err(res.Unit))}
	}
	if len(plan.Items) == 0 {
		s.env.say("%s holds no credentials to import", path)
		return nil
	}
	if c.Bool("dry-run") {
		if err := s.printImport(res, plan.Items, true); err != nil {
			return err
		}
		s.importTOTPNote(plan)
		s.env.say("dry run: %d to add, %d to update, %d to skip; nothing was written",
			plan.Counts[importer.ActionAdd], plan.Counts[importer.ActionUpdate], plan.Counts[importer.ActionSkip])
		return nil
	}

	progress, done := s.env.importProgress(plan.Counts[importer.ActionAdd] + plan.Counts[importer.ActionUpdate])
	deps := connect.ImportDeps(r)
	rep, runErr := importrun.Run(ctx, deps, plan, importrun.Options{
		Stale: repo.ErrIndexStale, OnWrite: progress, AfterWrites: done,
		Warn: func(err error) { s.env.say("%v", err) },
	})
	if err := s.printImport(res, rep.Items, false); err != nil {
		return err
	}
	s.importTOTPNote(plan)
	across := ""
	if rep.Run > 1 {
		across = fmt.Sprintf(" across %d runs", rep.Run)
	}
	s.env.say("imported %d of %d%s: %d added, %d updated, %d skipped",
		rep.Counts[importer.ActionAdd]+rep.Counts[importer.ActionUpdate], len(rep.Items), across,
		rep.Counts[importer.ActionAdd], rep.Counts[importer.ActionUpdate], rep.Counts[importer.ActionSkip])
	if rep.Stale {
		s.env.say("some updates of the redaction index or the credential listing failed: run `sellervault redact --reindex`")
	}
	if runErr != nil {
		s.env.say("run the same command again to finish: what was imported is skipped, or left unchanged")
		return runErr
	}
	s.env.importDeleteAdvice(path, format)
	return nil
}

// readImportFile reads the file to import: a regular file of at most
// importer.MaxFileBytes. Its errors name the file, never its contents.
func readImportFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, usageError{err}
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if fi.IsDir() {
		return nil, usagef("%s is a directory: give the exported file", path)
	}
	data, err := io.ReadAll(io.LimitReader(f, importer.MaxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	if len(data) > importer.MaxFileBytes {
		return nil, usagef("%s is larger than %d MiB: split it and import the parts one after another", path, importer.MaxFileBytes>>20)
	}
	return data, nil
}

// importInventory reads what the plan depends on: the stores, and which
// of the file's credentials exist (live or deleted) in the stores it names.
func importInventory(ctx context.Context, r *repo.Repo, res *importer.Result, store string) (importer.Inventory, error) {
	stores, err := r.Stores().List(ctx)
	if err != nil {
		return importer.Inventory{}, err
	}
	names := make([]string, 0, len(stores))
	for _, st := range stores {
		names = append(names, st.Name)
	}
	if store != "" && !slices.Contains(names, store) {
		return importer.Inventory{}, fmt.Errorf("store %s: %w", store, repo.ErrNoStore)
	}
	return importrun.Inventory(ctx, r.Creds(), names, res)
}

// importRowView is one row of the import's JSON output (never a value).
type importRowView struct {
	Unit       string `json:"unit"`   // "row" (CSV) or "item" (Bitwarden)
	Number     int    `json:"number"` // the row's or item's number
	Line       int    `json:"line"`   // the line of the file it starts on
	Credential string `json:"credential,omitempty"`
	Action     string `json:"action"` // add, update, skip or error
	Reason     string `json:"reason,omitempty"`
}

type importView struct {
	Format string          `json:"format"`
	DryRun bool            `json:"dry_run"`
	Rows   []importRowView `json:"rows"`
}

// printImport prints the import's rows: what is (or would be) done with
// each, and why.
func (s *session) printImport(res *importer.Result, items []importer.Item, dryRun bool) error {
	v := importView{Format: string(res.Format), DryRun: dryRun, Rows: []importRowView{}}
	rows := make([][]string, 0, len(items))
	for _, it := range items {
		v.Rows = append(v.Rows, importRowView{Unit: it.Unit, Number: it.Line, Line: it.FileLine,
			Credential: it.Address, Action: string(it.Action), Reason: it.Reason})
		rows = append(rows, []string{strings.TrimPrefix(it.Where(), it.Unit+" "), orDash(it.Address), string(it.Action), orDash(it.Reason)})
	}
	return s.render(v, []string{strings.ToUpper(res.Unit), "CREDENTIAL", "ACTION", "REASON"}, rows)
}

// importTOTPNote says which rows had a TOTP seed that stayed in the file.
func (s *session) importTOTPNote(plan *importer.Plan) {
	switch n := len(plan.TOTP); {
	case n == 1:
		s.env.say("1 credential has a TOTP seed in the file, which is not imported: enrol it with `sellervault totp add %s`", plan.TOTP[0])
	case n > 1:
		s.env.say("%d credentials have a TOTP seed in the file, which is not imported: enrol each with `sellervault totp add STORE/NAME` (see the table)", n)
	}
}

// importProgress shows how far an import is on stderr, when stderr is a
// terminal: one line, rewritten at most ten times a second. done clears it.
func (e *Env) importProgress(total int) (progress func(done, total int), done func()) {
	f, ok := e.Stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil, func() {}
	}
	var last time.Time
	width := 0
	progress = func(n, total int) {
		if n < total && time.Since(last) < 100*time.Millisecond {
			return
		}
		last = time.Now()
		line := fmt.Sprintf("sellervault: importing %d/%d", n, total)
		width = max(width, len(line))
		fmt.Fprintf(f, "\r%-*s", width, line)
	}
	return progress, func() {
		if width > 0 {
			fmt.Fprintf(f, "\r%*s\r", width, "")
		}
	}
}

// importDeleteAdvice tells the user to delete the file they imported:
// it holds every password in clear.
func (e *Env) importDeleteAdvice(path string, format importer.Format) {
	q := shellQuoteImport(path)
	e.say("%s holds every password in clear text: delete it now, and every copy of it", path)
	switch runtime.GOOS {
	case "windows":
		e.say("  del %s   then   cipher /w:%s   (overwrites the free space), and empty the Recycle Bin", q, shellQuoteImport(filepath.Dir(path)))
	case "darwin":
		e.say("  rm %s   and empty the Trash; FileVault keeps what is left on the disk encrypted", q)
	default:
		e.say("  shred -u %s   (on an SSD or a copy-on-write file system no overwrite is sure: disk encryption is what protects it)", q)
	}
	switch format {
	case importer.Bitwarden, importer.OnePassword:
		e.say("  also the export's other copies: Downloads, the trash, synced folders (Dropbox, OneDrive, iCloud, Google Drive), mail")
	default:
		e.say("  also the spreadsheet it came from and its copies: online versions and history, synced folders, mail, the trash")
	}
}

// shellQuoteImport quotes a path for a command line a person copies.
func shellQuoteImport(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:@%+=,") == "" {
		return s
	}
	if runtime.GOOS == "windows" {
		return `"` + s + `"`
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
