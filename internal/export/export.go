// Package export turns the team's inventory into rows for audits and
// spreadsheets: which stores, logins, mailboxes, phones and payout
// records exist, who owns and holds them, and where they stand in their
// rotation schedule. It never holds a value: it is built from metadata
// (package records' Inventory), and identifiers a phisher could use are
// masked (mailbox addresses and recovery emails as "o*****@a***.example",
// phone numbers as "+1********00", the names of stores marked sensitive as
// "a*********t").
//
// Rows are written as CSV (a header, one row per record, formula
// characters defused for spreadsheets) or as JSON (an array with stable
// keys).
package export

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/rotation"
)

// Row is one record of the inventory.
type Row struct {
	Kind          string   `json:"kind"`   // store, credential, mailbox, phone, payout
	Record        string   `json:"record"` // STORE/NAME, a masked address or number, a store
	Store         string   `json:"store"`
	Marketplace   string   `json:"marketplace"`
	Region        string   `json:"region"`
	Owner         string   `json:"owner"`
	Assignees     []string `json:"assignees"`
	OwnedBy       string   `json:"owned_by"` // company or personal (mailboxes, phones)
	RecoveryEmail string   `json:"recovery_email"`
	RecoveryPhone string   `json:"recovery_phone"`
	TOTP          bool     `json:"totp"`
	Details       string   `json:"details"` // payout: scheme, country, currency, provider
	RotateEvery   string   `json:"rotate_every"`
	LastRotated   string   `json:"last_rotated"` // a date, or ""
	Due           string   `json:"due"`          // a date, or ""
	State         string   `json:"state"`        // overdue, due-soon, ok, or "" for stores
	UpdatedBy     string   `json:"updated_by"`
}

// Rows builds the inventory's rows, rotation states evaluated at now with
// the given due-soon window; stores first, then by kind and record.
func Rows(inv *records.Inventory, defaults rotation.Defaults, now time.Time, window time.Duration) []Row {
	states := map[string]rotation.Result{}
	for _, res := range rotation.Report(rotation.Items(inv), defaults, now, window) {
		states[res.Kind+"\x00"+res.ID] = res
	}
	withState := func(row Row, kind, id string, last time.Time) Row {
		res := states[kind+"\x00"+id]
		row.RotateEvery, row.Due, row.State = res.Interval, date(res.Due), res.State
		row.LastRotated = date(last)
		if row.Assignees == nil {
			row.Assignees = []string{}
		}
		return row
	}
	markets := map[string]records.Store{}
	// label is how a store is named: a store marked sensitive (its name
	// says whose business it is) by its shape only.
	label := func(store string) string {
		if markets[store].Sensitive {
			return maskName(store)
		}
		return store
	}
	var rows []Row
	for _, s := range inv.Stores {
		markets[s.Name] = s
		rows = append(rows, Row{Kind: "store", Record: label(s.Name), Store: label(s.Name), Marketplace: s.Marketplace, Region: s.Region,
			Assignees: []string{}, UpdatedBy: s.UpdatedBy})
	}
	for _, c := range inv.Credentials {
		s := markets[c.Store]
		rows = append(rows, withState(Row{Kind: "credential", Record: label(c.Store) + "/" + c.Name, Store: label(c.Store), Marketplace: s.Marketplace,
			Region: s.Region, Owner: c.Owner, Assignees: c.Assignees, RecoveryEmail: maskEmail(c.RecoveryEmail),
			RecoveryPhone: maskPhone(c.RecoveryPhone), TOTP: c.TOTPKey != "", UpdatedBy: c.UpdatedBy},
			rotation.KindCredential, c.Address(), c.Rotation.LastRotated))
	}
	for _, m := range inv.Mailboxes {
		rows = append(rows, withState(Row{Kind: "mailbox", Record: records.MaskEmail(m.Address), Owner: m.Assignee,
			OwnedBy: records.OwnedBy(m.Personal), RecoveryPhone: maskPhone(m.RecoveryPhone), UpdatedBy: m.UpdatedBy},
			rotation.KindMailbox, m.Address, m.Rotation.LastRotated))
	}
	for _, p := range inv.Phones {
		rows = append(rows, withState(Row{Kind: "phone", Record: records.MaskPhone(p.Number), Owner: p.Assignee,
			OwnedBy: records.OwnedBy(p.Personal), UpdatedBy: p.UpdatedBy},
			rotation.KindPhone, p.Number, p.Rotation.LastRotated))
	}
	for _, p := range inv.Payouts {
		s := markets[p.Store]
		details := strings.Join(nonEmpty(p.Scheme, p.Country, p.Currency, p.Provider), " ")
		rows = append(rows, withState(Row{Kind: "payout", Record: label(p.Store), Store: label(p.Store), Marketplace: s.Marketplace,
			Region: s.Region, Details: details, UpdatedBy: p.ApprovedBy},
			rotation.KindPayout, p.Store, p.LastVerified()))
	}
	order := map[string]int{"store": 0, "credential": 1, "payout": 2, "mailbox": 3, "phone": 4}
	sort.SliceStable(rows, func(i, j int) bool {
		if order[rows[i].Kind] != order[rows[j].Kind] {
			return order[rows[i].Kind] < order[rows[j].Kind]
		}
		return rows[i].Record < rows[j].Record
	})
	return rows
}

// maskName shows a name's first and last letters: "a*********t".
func maskName(s string) string {
	if len(s) < 3 {
		return strings.Repeat("*", len(s))
	}
	return s[:1] + strings.Repeat("*", len(s)-2) + s[len(s)-1:]
}

func date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02")
}

func maskEmail(s string) string {
	if s == "" {
		return ""
	}
	return records.MaskEmail(s)
}

func maskPhone(s string) string {
	if s == "" {
		return ""
	}
	return records.MaskPhone(s)
}

func nonEmpty(values ...string) []string {
	var out []string
	for _, v := range values {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

// Header is the CSV header, in column order.
var Header = []string{"kind", "record", "store", "marketplace", "region", "owner", "assignees", "owned_by",
	"recovery_email", "recovery_phone", "totp", "details", "rotate_every", "last_rotated", "due", "state", "updated_by"}

// WriteCSV writes the rows as CSV with Header first.
func WriteCSV(w io.Writer, rows []Row) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(Header); err != nil {
		return err
	}
	for _, r := range rows {
		rec := []string{r.Kind, r.Record, r.Store, r.Marketplace, r.Region, r.Owner, strings.Join(r.Assignees, ","), r.OwnedBy,
			r.RecoveryEmail, r.RecoveryPhone, strconv.FormatBool(r.TOTP), r.Details, r.RotateEvery, r.LastRotated, r.Due, r.State, r.UpdatedBy}
		for i, v := range rec {
			rec[i] = defuse(v)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// defuse keeps a spreadsheet from reading a cell as a formula (CSV
// injection): a cell that starts with = + - @ or a control character gets
// a leading apostrophe.
func defuse(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

// WriteJSON writes the rows as an indented JSON array.
func WriteJSON(w io.Writer, rows []Row) error {
	if rows == nil {
		rows = []Row{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rows)
}
