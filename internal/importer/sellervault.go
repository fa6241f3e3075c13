package importer

import (
	"cmp"
	"slices"
	"strings"
	"sync"

	"github.com/sellervault/sellervault/internal/inputerr"
)

// CSVHeader is the header of sellervault's CSV format, in the order the
// README documents (any order is read).
const CSVHeader = "store,name,login,password,url,owner,assignees,recovery_email,recovery_phone,rotate_every,last_rotated,notes,totp"

// fieldNames are the columns of sellervault's CSV, as errors name them.
var fieldNames = [nFields]string{
	fStore: "store", fName: "name", fLogin: "login", fPassword: "password", fURL: "url",
	fOwner: "owner", fAssignees: "assignees", fRecoveryEmail: "recovery_email",
	fRecoveryPhone: "recovery_phone", fRotateEvery: "rotate_every", fLastRotated: "last_rotated",
	fNotes: "notes", fTOTP: "totp",
}

// csvAliases are other names a spreadsheet may give a column; built on
// first use.
var csvAliases = sync.OnceValue(func() map[string]field {
	return map[string]field{
		"title": fName, "username": fLogin, "user_name": fLogin, "user": fLogin,
		"website": fURL, "note": fNotes, "rotation": fRotateEvery, "otp": fTOTP, "otpauth": fTOTP,
	}
})

// sellervaultColumn finds the field of a header name.
func sellervaultColumn(h string) (field, bool) {
	k := headerKey(h)
	for f, name := range fieldNames {
		if k == name {
			return field(f), true
		}
	}
	f, ok := csvAliases()[k]
	return f, ok
}

// parseSellervault reads sellervault's own CSV.
func parseSellervault(data []byte, opts Options) (*Result, error) {
	file, err := readCSV(data)
	if err != nil {
		return nil, err
	}
	cols, err := sellervaultHeader(file.header, opts.Store != "")
	if err != nil {
		return nil, err
	}
	res := &Result{Format: CSV, Unit: "row", Errors: file.errs, Read: file.read}
	for _, rec := range file.records {
		r := &raw{unit: "row", line: rec.row, fileLine: rec.line, notUTF8: notUTF8CSV,
			noStore: "is empty: fill in the store, or give --store STORE for every row"}
		for f := field(0); f < nFields; f++ {
			r.cells[f].col = "column " + fieldNames[f]
			if i, ok := cols[f]; ok {
				r.cells[f].val = rec.fields[i]
			}
		}
		res.add(build(r, opts))
	}
	res.sortErrors()
	return res, nil
}

// sellervaultHeader maps the header's columns to fields: every column
// must be known (a column sellervault does not know could hold something
// that must not be lost, or be a misspelt one that it must not miss), at
// most once, and name, login and password (and store, unless --store)
// must be there.
func sellervaultHeader(header []string, haveStore bool) (map[field]int, error) {
	cols := map[field]int{}
	var unknown []string
	for i, h := range header {
		f, ok := sellervaultColumn(h)
		if !ok {
			unknown = append(unknown, columnRef(i))
			continue
		}
		if j, dup := cols[f]; dup {
			return nil, inputerr.Errorf("row 1 (the header): %s is %s again, as %s is; keep one", columnRef(i), fieldNames[f], columnRef(j))
		}
		cols[f] = i
	}
	if len(cols) == 0 {
		return nil, inputerr.Errorf("row 1 is not a header: the first row must name the columns, like %s", CSVHeader)
	}
	if len(unknown) > 0 {
		return nil, inputerr.Errorf("row 1 (the header): %s %s not a column sellervault knows: rename it to one of %s, or remove it",
			strings.Join(unknown, ", "), isAre(len(unknown)), strings.ReplaceAll(CSVHeader, ",", ", "))
	}
	var missing []string
	for _, f := range []field{fStore, fName, fLogin, fPassword} {
		if _, ok := cols[f]; !ok && !(f == fStore && haveStore) {
			missing = append(missing, fieldNames[f])
		}
	}
	if len(missing) > 0 {
		need := "store (or --store), name, login and password"
		return nil, inputerr.Errorf("row 1 (the header): no %s column; the header needs %s", strings.Join(missing, ", no "), need)
	}
	return cols, nil
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

// add files a built row or its errors.
func (res *Result) add(row Row, errs []*RowError) {
	if len(errs) > 0 {
		res.Errors = append(res.Errors, errs...)
		return
	}
	res.Rows = append(res.Rows, row)
}

// sortErrors puts the errors in file order (stable: a row's stay in
// column order).
func (res *Result) sortErrors() {
	slices.SortStableFunc(res.Errors, func(a, b *RowError) int { return cmp.Compare(a.Line, b.Line) })
}
