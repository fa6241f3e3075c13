package importer

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/sellervault/sellervault/internal/inputerr"
)

// notUTF8CSV is the message for a CSV row with bytes that are not UTF-8,
// like a Windows-1252 file from Excel's plain "CSV" format.
const notUTF8CSV = `not UTF-8: save the file as UTF-8 CSV (in Excel: Save As, "CSV UTF-8")`

// csvRecord is one record of a CSV file: its row (the header is row 1),
// the line it starts on, and its fields.
type csvRecord struct {
	row, line int
	fields    []string
}

// csvFile is a CSV file read whole: the header, the records whose field
// count matches it, and the errors of the others.
type csvFile struct {
	header  []string
	records []csvRecord
	errs    []*RowError
	read    int // records after the header, blank ones left out
}

var (
	utf8BOM    = []byte{0xEF, 0xBB, 0xBF}
	utf16LEBOM = []byte{0xFF, 0xFE}
	utf16BEBOM = []byte{0xFE, 0xFF}
)

// readCSV reads a CSV file: a UTF-8 byte order mark is skipped, UTF-16
// is refused, the delimiter is a comma, or a semicolon or tab when the
// header has no comma (Excel in many European locales writes semicolons).
// Quoting is strict (RFC 4180): a malformed quote ends the reading, as
// everything after it may be shifted. Blank records (every field empty,
// as a spreadsheet writes an empty row) are left out. A record with more
// or fewer fields than the header is an error, even when the extra ones
// are empty: a comma in an unquoted value shifts every column after it,
// and part of a password would land in another column.
func readCSV(data []byte) (*csvFile, error) {
	if bytes.HasPrefix(data, utf16LEBOM) || bytes.HasPrefix(data, utf16BEBOM) || looksUTF16(data) {
		return nil, inputerr.Errorf(`the file is UTF-16 (Excel's "Unicode Text"), not UTF-8: save it as "CSV UTF-8"`)
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, inputerr.Errorf("the file is empty")
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = delimiter(data)
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return nil, inputerr.Errorf("row 1 (the header): %s", csvProblem(err))
	}
	for _, h := range header {
		if !utf8.ValidString(h) {
			return nil, inputerr.Errorf("row 1 (the header): %s", notUTF8CSV)
		}
	}
	f := &csvFile{header: header}
	for row := 2; ; row++ {
		fields, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.StartLine
			}
			f.errs = append(f.errs, &RowError{Unit: "row", Line: row, FileLine: line,
				Msg: csvProblem(err) + "; the rows after it were not read"})
			f.read++
			break
		}
		line, _ := r.FieldPos(0)
		if blank(fields) {
			continue
		}
		f.read++
		if len(fields) != len(header) {
			f.errs = append(f.errs, &RowError{Unit: "row", Line: row, FileLine: line,
				Msg: fmt.Sprintf("has %d fields but the header has %d: a value with a %s in it must be in double quotes", len(fields), len(header), delimiterName(r.Comma))})
			continue
		}
		f.records = append(f.records, csvRecord{row: row, line: line, fields: fields})
	}
	return f, nil
}

// csvProblem describes a CSV reading error without quoting the file.
func csvProblem(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		switch {
		case errors.Is(pe.Err, csv.ErrBareQuote):
			return `malformed CSV: a " inside a value that is not in double quotes (write the value in double quotes, and its " as "")`
		case errors.Is(pe.Err, csv.ErrQuote):
			return `malformed CSV: a value in double quotes is not closed, or a " inside it is not doubled`
		}
		return "malformed CSV"
	}
	if errors.Is(err, io.EOF) {
		return "the file is empty"
	}
	return "malformed CSV"
}

// delimiter picks the field delimiter from the first line: a comma,
// unless the line has none and has semicolons (or else tabs).
func delimiter(data []byte) rune {
	first, _, _ := bytes.Cut(data, []byte("\n"))
	switch {
	case bytes.ContainsRune(first, ','):
		return ','
	case bytes.ContainsRune(first, ';'):
		return ';'
	case bytes.ContainsRune(first, '\t'):
		return '\t'
	}
	return ','
}

func delimiterName(c rune) string {
	switch c {
	case ';':
		return "semicolon"
	case '\t':
		return "tab"
	}
	return "comma"
}

// looksUTF16 spots UTF-16 without a byte order mark: ASCII text in it
// has a NUL byte beside every character.
func looksUTF16(data []byte) bool {
	head := data[:min(len(data), 64)]
	return len(head) >= 4 && bytes.Count(head, []byte{0}) >= len(head)/3
}

func blank(fields []string) bool {
	for _, f := range fields {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// headerKey normalises a header name: case, surrounding spaces, and
// spaces and hyphens (as underscores) do not matter.
func headerKey(h string) string {
	h = strings.ToLower(strings.TrimSpace(h))
	return strings.NewReplacer(" ", "_", "-", "_").Replace(h)
}

// columnLetter is a spreadsheet's name of the 0-based column i: A … Z, AA ….
func columnLetter(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}

// columnRef names a header column for an error without quoting it (the
// first row of a file without a header is a credential): "column 5 (E)".
func columnRef(i int) string { return fmt.Sprintf("column %d (%s)", i+1, columnLetter(i)) }
