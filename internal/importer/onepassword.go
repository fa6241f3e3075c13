package importer

import (
	"strings"
	"sync"

	"github.com/sellervault/sellervault/internal/inputerr"
)

// OnePasswordHeader is the header of 1Password 8's CSV export.
const OnePasswordHeader = "Title,Url,Username,Password,OTPAuth,Favorite,Archived,Tags,Notes"

// onePasswordColumn is the field a 1Password column holds and the label
// errors name it by.
type onePasswordColumn struct {
	f     field
	label string
}

// onePasswordColumns map 1Password's column names (as headerKey has them;
// older versions and other locales of the export vary) to fields; label
// is how errors name the column. Built on first use.
var onePasswordColumns = sync.OnceValue(func() map[string]onePasswordColumn {
	return map[string]onePasswordColumn{
		"title": {fName, "Title"}, "name": {fName, "Title"},
		"url": {fURL, "Url"}, "website": {fURL, "Url"}, "login_url": {fURL, "Url"}, "location": {fURL, "Url"},
		"username": {fLogin, "Username"}, "user_name": {fLogin, "Username"}, "login": {fLogin, "Username"}, "login_username": {fLogin, "Username"},
		"password": {fPassword, "Password"}, "login_password": {fPassword, "Password"},
		"notes": {fNotes, "Notes"}, "note": {fNotes, "Notes"}, "notesplain": {fNotes, "Notes"},
		"otpauth": {fTOTP, "OTPAuth"}, "one_time_password": {fTOTP, "OTPAuth"}, "totp": {fTOTP, "OTPAuth"}, "otp": {fTOTP, "OTPAuth"},
	}
})

// parseOnePassword reads a 1Password CSV export. Columns are found by
// name in any order and case; Title, Username and Password must be there,
// other columns (Favorite, Tags …) are not imported. Archived items are
// left out, and so are items whose Type (older exports) is not a login
// or password. The export names no store: opts.Store is required.
func parseOnePassword(data []byte, opts Options) (*Result, error) {
	if opts.Store == "" {
		return nil, inputerr.Errorf("--store STORE is needed with --from 1password: its CSV export does not say which store a login belongs to")
	}
	file, err := readCSV(data)
	if err != nil {
		return nil, err
	}
	cols := map[field]int{}
	labels := [nFields]string{}
	archived, kind := -1, -1
	for i, h := range file.header {
		k := headerKey(h)
		switch k {
		case "archived":
			archived = i
			continue
		case "type", "category":
			kind = i
			continue
		}
		c, ok := onePasswordColumns()[k]
		if !ok {
			continue // Favorite, Tags and the like
		}
		if j, dup := cols[c.f]; dup {
			return nil, inputerr.Errorf("row 1 (the header): %s is %s again, as %s is; export again from 1Password", columnRef(i), c.label, columnRef(j))
		}
		cols[c.f], labels[c.f] = i, c.label
	}
	var missing []string
	for _, need := range []struct {
		f     field
		label string
	}{{fName, "Title"}, {fLogin, "Username"}, {fPassword, "Password"}} {
		if _, ok := cols[need.f]; !ok {
			missing = append(missing, need.label)
		}
	}
	if len(missing) > 0 {
		return nil, inputerr.Errorf("row 1 (the header): no %s column; is this 1Password's CSV export? It has the columns %s: export again from 1Password (File > Export, CSV)",
			strings.Join(missing, ", no "), OnePasswordHeader)
	}
	res := &Result{Format: OnePassword, Unit: "row", Errors: file.errs, Read: file.read}
	for _, rec := range file.records {
		if archived >= 0 && truthy(rec.fields[archived]) {
			res.Ignored = append(res.Ignored, Ignored{Unit: "row", Line: rec.row, FileLine: rec.line, Kind: "archived item"})
			continue
		}
		if kind >= 0 {
			switch strings.ToLower(strings.TrimSpace(rec.fields[kind])) {
			case "", "login", "logins", "password", "passwords":
			default:
				res.Ignored = append(res.Ignored, Ignored{Unit: "row", Line: rec.row, FileLine: rec.line, Kind: "item that is not a login"})
				continue
			}
		}
		r := &raw{unit: "row", line: rec.row, fileLine: rec.line,
			notUTF8: "not UTF-8: export again from 1Password (its CSV export is UTF-8)"}
		for f, i := range cols {
			r.set(f, "column "+labels[f], rec.fields[i])
		}
		res.add(build(r, opts))
	}
	res.sortErrors()
	return res, nil
}

// truthy reads a yes/no column as 1Password and spreadsheets write it.
func truthy(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "yes", "1", "y", "x":
		return true
	}
	return false
}
