package importrun

import (
	"context"

	"github.com/sellervault/sellervault/internal/importer"
)

// Inventory reads what a plan depends on (importer.NewPlan): given the
// stores that exist, which of the file's credentials exist, live or
// deleted, in those it names. A store the file names that is not among
// stores is left to the plan (its rows are errors).
func Inventory(ctx context.Context, st Store, stores []string, res *importer.Result) (importer.Inventory, error) {
	inv := importer.Inventory{Stores: map[string]bool{}, Creds: map[string]importer.CredState{}}
	for _, s := range stores {
		inv.Stores[s] = true
	}
	for _, s := range res.Stores() {
		if !inv.Stores[s] {
			continue
		}
		existing, err := st.Existing(ctx, s, res.Names(s))
		if err != nil {
			return inv, err
		}
		for name, deleted := range existing {
			state := importer.Live
			if deleted {
				state = importer.Deleted
			}
			inv.Creds[s+"/"+name] = state
		}
	}
	return inv, nil
}
