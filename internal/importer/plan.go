package importer

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/sellervault/sellervault/internal/inputerr"
)

// OnDuplicate is what import does with a row whose credential exists.
type OnDuplicate string

// The duplicate policies.
const (
	Skip   OnDuplicate = "skip"   // keep the existing credential (the default)
	Update OnDuplicate = "update" // write the row's fields over it
)

// ParseOnDuplicate reads --on-duplicate.
func ParseOnDuplicate(s string) (OnDuplicate, error) {
	switch d := OnDuplicate(strings.ToLower(strings.TrimSpace(s))); d {
	case "":
		return Skip, nil
	case Skip, Update:
		return d, nil
	}
	return "", inputerr.Errorf("--on-duplicate %s: use skip or update", inputerr.Quote(s))
}

// CredState is whether a credential exists in Vault.
type CredState int

// The states of a credential.
const (
	Absent  CredState = iota
	Live              // exists
	Deleted           // soft-deleted: its name is taken until it is destroyed
)

// Inventory is what Vault holds that a plan depends on.
type Inventory struct {
	Stores map[string]bool      // the stores that exist
	Creds  map[string]CredState // by "STORE/NAME"; absent ones need not be there
}

// Action is what import does with a row.
type Action string

// The actions.
const (
	ActionAdd    Action = "add"
	ActionUpdate Action = "update"
	ActionSkip   Action = "skip"
	ActionError  Action = "error"
)

// Item is one line of a plan: a row, what is done with it and why. Reason
// never holds a value of the file.
type Item struct {
	Unit     string
	Line     int
	FileLine int
	Address  string // "STORE/NAME"; empty when the row's store or name is invalid
	Action   Action
	Reason   string
	Row      *Row // for add and update
}

// Where names the item's row: "row 7", "item 3 (line 42)".
func (it *Item) Where() string { return where(it.Unit, it.Line, it.FileLine) }

// Plan is what an import does, row by row, in file order.
type Plan struct {
	Items  []Item
	Counts map[Action]int
	TOTP   []string // addresses of rows whose seed was left in the file
}

// Valid reports whether no row has an error: only then is anything written.
func (p *Plan) Valid() bool { return p.Counts[ActionError] == 0 }

// Err is nil for a valid plan, else the refusal (matching
// inputerr.ErrInvalid) that says how many rows are wrong.
func (p *Plan) Err(unit string) error {
	if p.Valid() {
		return nil
	}
	all, bad := map[int]bool{}, map[int]bool{}
	for _, it := range p.Items {
		all[it.Line] = true
		if it.Action == ActionError {
			bad[it.Line] = true
		}
	}
	return inputerr.Errorf("%d of %d %s %s errors (listed above); nothing was imported: fix them and run the same command again",
		len(bad), len(all), plural(unit, len(all)), hasHave(len(bad)))
}

func hasHave(n int) string {
	if n == 1 {
		return "has"
	}
	return "have"
}

// NewPlan decides each row of a parsed file against what Vault holds:
// add a new credential; skip or update (dup) an existing one; and an error
// for a row that was invalid, names a store that does not exist, repeats
// the credential of an earlier row, or (with update) names a deleted
// credential.
func NewPlan(res *Result, inv Inventory, dup OnDuplicate) *Plan {
	p := &Plan{Counts: map[Action]int{}}
	for _, e := range res.Errors {
		p.Items = append(p.Items, Item{Unit: e.Unit, Line: e.Line, FileLine: e.FileLine, Address: e.Address, Action: ActionError, Reason: e.Reason()})
	}
	first := map[string]*Row{}
	for i := range res.Rows {
		row := &res.Rows[i]
		addr := row.Address()
		it := Item{Unit: row.Unit, Line: row.Line, FileLine: row.FileLine, Address: addr}
		switch prev := first[addr]; {
		case prev != nil:
			it.Action, it.Reason = ActionError, fmt.Sprintf("the same credential as %s: keep one of them", prev.Where())
		case !inv.Stores[row.Store]:
			it.Action, it.Reason = ActionError, fmt.Sprintf("no store %s: add it first with `sellervault store add %s --marketplace M --region R`", row.Store, row.Store)
		default:
			switch inv.Creds[addr] {
			case Absent:
				it.Action = ActionAdd
			case Live:
				if dup == Update {
					it.Action, it.Reason = ActionUpdate, "exists: the file's fields replace its own"
				} else {
					it.Action, it.Reason = ActionSkip, "exists (--on-duplicate update would update it)"
				}
			case Deleted:
				if dup == Update {
					it.Action, it.Reason = ActionError, fmt.Sprintf("a deleted credential has this name: bring it back with `sellervault cred undelete %s` first, or rename the row", addr)
				} else {
					it.Action, it.Reason = ActionSkip, fmt.Sprintf("a deleted credential has this name (`sellervault cred undelete %s` brings it back)", addr)
				}
			}
		}
		if prev := first[addr]; prev == nil {
			first[addr] = row
		}
		if it.Action == ActionAdd || it.Action == ActionUpdate {
			it.Row = row
			notes := append([]string(nil), row.Warnings...)
			if row.TOTP {
				notes = append(notes, fmt.Sprintf("its TOTP seed was not imported: enrol it with `sellervault totp add %s`", addr))
				p.TOTP = append(p.TOTP, addr)
			}
			if len(notes) > 0 {
				it.Reason = strings.TrimPrefix(it.Reason+"; "+strings.Join(notes, "; "), "; ")
			}
		}
		p.Items = append(p.Items, it)
	}
	slices.SortStableFunc(p.Items, func(a, b Item) int { return cmp.Compare(a.Line, b.Line) })
	for _, it := range p.Items {
		p.Counts[it.Action]++
	}
	return p
}

// Stores lists the stores the valid rows name, for building the inventory.
func (res *Result) Stores() []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range res.Rows {
		if !seen[r.Store] {
			seen[r.Store] = true
			out = append(out, r.Store)
		}
	}
	slices.Sort(out)
	return out
}

// Names lists the credential names the valid rows give in a store.
func (res *Result) Names(store string) []string {
	var out []string
	for _, r := range res.Rows {
		if r.Store == store {
			out = append(out, r.Name)
		}
	}
	return out
}
