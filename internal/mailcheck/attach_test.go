package mailcheck

import (
	"strings"
	"testing"
)

func TestJudgeAttachment(t *testing.T) {
	iso := make([]byte, 0x8010)
	copy(iso[0x8001:], "CD001")
	cases := []struct {
		name, typ, head string
		kind            string
		reason          string
	}{
		{"invoice.pdf", "application/pdf", "%PDF-1.7", "", ""},
		{"photo.jpg", "image/jpeg", "\xff\xd8\xff\xe0", "", ""},
		{"report.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "PK\x03\x04\x14\x00[Content_Types].xml word/", "", ""},
		{"notes.txt", "text/plain", "just text", "", ""},
		{"", "image/png", "\x89PNG\r\n", "", ""},
		{"setup.exe", "application/octet-stream", "MZ", kindProgram, `the attachment "setup.exe" is a program (.exe)`},
		{"INVOICE.PDF.EXE", "application/pdf", "MZ", kindProgram, "is a program (.exe)"},
		{"run.ps1", "text/plain", "Write-Host", kindScript, "is a script (.ps1)"},
		{"help.hta", "", "<html>", kindScript, "is a script (.hta)"},
		{"budget.xlsm", "application/vnd.ms-excel.sheet.macroEnabled.12", "PK\x03\x04", kindMacro, "is an Office file with macros (.xlsm)"},
		{"budget.xlsx", "application/vnd.ms-excel.sheet.macroenabled.12", "PK\x03\x04 [Content_Types].xml xl/vbaProject.bin", kindMacro, "is really an Office file with macros"},
		{"docs.zip", "application/zip", "PK\x03\x04", kindArchive, "is an archive, which can hide a program (.zip)"},
		{"docs.pdf", "application/pdf", "Rar!\x1a\x07\x00", kindArchive, `"docs.pdf" is really an archive`},
		{"disk.iso", "application/octet-stream", "", kindDiskImage, "is a disk image"},
		{"data.bin", "application/octet-stream", string(iso), kindDiskImage, "is really a disk image"},
		{"Invoice.lnk", "application/octet-stream", "", kindShortcut, "is a shortcut"},
		{"readme.txt", "text/plain", "L\x00\x00\x00\x01\x14\x02\x00\x00", kindShortcut, "is really a shortcut"},
		{"Remittance.html", "text/html", "<html>", kindHTML, "is a web page"},
		{"scan.svg", "image/svg+xml", "<svg>", kindHTML, "is a web page"},
		{"image.png", "image/png", "<!DOCTYPE html><html><body>", kindHTML, `"image.png" is really a web page`},
		{"notes.one", "application/octet-stream", "", kindOther, "is a file type that can run code"},
		{"", "application/x-msdownload", "", kindProgram, "an attachment without a name is declared as a program (application/x-msdownload)"},
		{"a\u202etxt.exe", "text/plain", "MZ", kindProgram, "right-to-left control characters"},
		{"tool.exe.", "application/octet-stream", "", kindProgram, "is a program (.exe)"},
	}
	for _, tc := range cases {
		res, reasons := judgeAttachment(Attachment{Name: tc.name, Type: strings.ToLower(tc.typ), Head: []byte(tc.head)})
		all := strings.Join(reasons, "\n")
		if res.Kind != tc.kind || (tc.reason == "") != (len(reasons) == 0) || !strings.Contains(all, tc.reason) {
			t.Errorf("%q %s: kind %q, reasons %q; want %q with %q", tc.name, tc.typ, res.Kind, all, tc.kind, tc.reason)
		}
	}
}
