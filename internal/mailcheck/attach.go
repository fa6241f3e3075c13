package mailcheck

import (
	"bytes"
	"net/http"
	"path"
	"strings"
	"sync"

	"github.com/sellervault/sellervault/internal/inputerr"
)

// Kinds of attachment that genuine marketplace mail does not send, each
// with the words a reason uses for it.
const (
	kindProgram   = "program"
	kindScript    = "script"
	kindMacro     = "macro"
	kindArchive   = "archive"
	kindDiskImage = "disk image"
	kindShortcut  = "shortcut"
	kindHTML      = "html"
	kindOther     = "risky"
)

var kindWords = map[string]string{
	kindProgram:   "a program",
	kindScript:    "a script",
	kindMacro:     "an Office file with macros",
	kindArchive:   "an archive, which can hide a program",
	kindDiskImage: "a disk image, which can hide a program",
	kindShortcut:  "a shortcut that runs a command or opens a link",
	kindHTML:      "a web page, which can show a fake sign-in page",
	kindOther:     "a file type that can run code or fetch a page",
}

// byExtension: file name extensions (lower case, without the dot) by
// kind. It and byType are built on first use, not at every start of the
// CLI.
var byExtension = sync.OnceValue(func() map[string]string {
	m := map[string]string{}
	for kind, list := range map[string]string{
		kindProgram:   "exe com scr pif msi msix msixbundle appx appxbundle msp mst dll cpl ocx sys drv jar apk xapk app pkg deb rpm run elf gadget xll",
		kindScript:    "bat cmd ps1 psm1 psd1 vbs vbe js jse mjs wsf wsh wsc hta sct sh bash zsh py pyw pl rb applescript scpt command reg inf msc jnlp ws lua",
		kindMacro:     "docm dotm xlsm xltm xlam xlsb xla pptm potm ppam ppsm sldm ppa",
		kindArchive:   "zip zipx rar 7z tar gz tgz bz2 tbz tbz2 xz txz z zst lz lzma cab ace arj lzh lha uue xxe cpio gzip r00 r01 001",
		kindDiskImage: "iso img vhd vhdx dmg udf vmdk",
		kindShortcut:  "lnk url scf website desktop settingcontent-ms library-ms search-ms appref-ms",
		kindHTML:      "html htm shtml xhtml xht mht mhtml svg svgz",
		kindOther:     "chm one onepkg iqy slk rdp",
	} {
		for _, ext := range strings.Fields(list) {
			m[ext] = kind
		}
	}
	return m
})

// byType: declared media types by kind (x-, vnd. types as mail programs send them).
var byType = sync.OnceValue(func() map[string]string {
	return map[string]string{
		"application/x-msdownload": kindProgram, "application/x-msdos-program": kindProgram, "application/x-dosexec": kindProgram,
		"application/x-executable": kindProgram, "application/vnd.microsoft.portable-executable": kindProgram, "application/x-msi": kindProgram,
		"application/x-ms-installer": kindProgram, "application/java-archive": kindProgram, "application/vnd.android.package-archive": kindProgram,
		"application/x-apple-diskimage": kindDiskImage, "application/x-iso9660-image": kindDiskImage, "application/x-raw-disk-image": kindDiskImage,
		"application/x-sh": kindScript, "application/x-shellscript": kindScript, "application/javascript": kindScript, "text/javascript": kindScript,
		"application/x-javascript": kindScript, "application/hta": kindScript, "application/x-bat": kindScript, "text/vbscript": kindScript,
		"application/x-powershell": kindScript, "text/x-python": kindScript,
		"application/zip": kindArchive, "application/x-zip-compressed": kindArchive, "application/x-rar-compressed": kindArchive,
		"application/vnd.rar": kindArchive, "application/x-7z-compressed": kindArchive, "application/gzip": kindArchive, "application/x-gzip": kindArchive,
		"application/x-tar": kindArchive, "application/x-bzip2": kindArchive, "application/x-xz": kindArchive, "application/vnd.ms-cab-compressed": kindArchive,
		"application/x-ms-shortcut": kindShortcut, "application/internet-shortcut": kindShortcut, "application/x-mswinurl": kindShortcut,
		"text/html": kindHTML, "application/xhtml+xml": kindHTML, "image/svg+xml": kindHTML, "message/rfc822-html": kindHTML,
		"application/vnd.ms-htmlhelp": kindOther, "application/onenote": kindOther, "application/msonenote": kindOther,
	}
})

// sniff tells a file's kind from its first bytes, or "" for one of no
// concern (a PDF, an image, an Office document without macros, text).
func sniff(head []byte) string {
	switch {
	case bytes.HasPrefix(head, []byte("MZ")),
		bytes.HasPrefix(head, []byte("\x7fELF")),
		bytes.HasPrefix(head, []byte("\xfe\xed\xfa\xce")), bytes.HasPrefix(head, []byte("\xfe\xed\xfa\xcf")),
		bytes.HasPrefix(head, []byte("\xce\xfa\xed\xfe")), bytes.HasPrefix(head, []byte("\xcf\xfa\xed\xfe")):
		return kindProgram
	case bytes.HasPrefix(head, []byte("#!")):
		return kindScript
	case bytes.HasPrefix(head, []byte("Rar!\x1a\x07")), bytes.HasPrefix(head, []byte("7z\xbc\xaf\x27\x1c")),
		bytes.HasPrefix(head, []byte("\x1f\x8b")), bytes.HasPrefix(head, []byte("BZh")), bytes.HasPrefix(head, []byte("\xfd7zXZ\x00")),
		bytes.HasPrefix(head, []byte("MSCF")), bytes.HasPrefix(head, []byte("\x28\xb5\x2f\xfd")):
		return kindArchive
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte("PK\x05\x06")):
		if bytes.Contains(head, []byte("vbaProject.bin")) {
			return kindMacro
		}
		if officeZip(head) {
			return ""
		}
		return kindArchive
	case len(head) > 0x8006 && bytes.Equal(head[0x8001:0x8006], []byte("CD001")),
		bytes.HasPrefix(head, []byte("conectix")), bytes.HasPrefix(head, []byte("vhdxfile")):
		return kindDiskImage
	case bytes.HasPrefix(head, []byte("L\x00\x00\x00\x01\x14\x02\x00")):
		return kindShortcut
	case bytes.HasPrefix(head, []byte("ITSF")):
		return kindOther
	}
	switch ct := http.DetectContentType(head); {
	case strings.HasPrefix(ct, "text/html"):
		return kindHTML
	case strings.HasPrefix(ct, "text/"):
		lower := bytes.ToLower(head[:min(len(head), 512)])
		if bytes.Contains(lower, []byte("<svg")) {
			return kindHTML
		}
	}
	return ""
}

// officeZip reports whether a ZIP file is an Office Open XML or
// OpenDocument file, by the names of its first entries.
func officeZip(head []byte) bool {
	for _, marker := range []string{"[Content_Types].xml", "mimetypeapplication/vnd.oasis.opendocument", "word/", "xl/", "ppt/", "_rels/"} {
		if bytes.Contains(head, []byte(marker)) {
			return true
		}
	}
	return false
}

// bidiControls can make a name show another extension than its real one
// ("invoice\u202Efdp.exe" shows as "invoiceexe.pdf").
const bidiControls = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"

// AttachmentResult is what the check says of one attachment.
type AttachmentResult struct {
	Name string `json:"name,omitempty"`
	Type string `json:"type"`
	Size int    `json:"size"`
	// Kind is why the attachment is a risk: program, script, macro,
	// archive, disk image, shortcut, html or risky; "" for none.
	Kind string `json:"kind,omitempty"`
}

// judgeAttachment returns the result for an attachment and the reasons
// it gives, one sentence each.
func judgeAttachment(a Attachment) (AttachmentResult, []string) {
	res := AttachmentResult{Name: a.Name, Type: a.Type, Size: a.Size}
	var reasons []string
	shown := "an attachment without a name"
	if a.Name != "" {
		shown = "the attachment " + inputerr.Quote(a.Name)
	}
	name := strings.TrimRight(a.Name, " .")
	if strings.ContainsAny(name, bidiControls) {
		reasons = append(reasons, shown+" has right-to-left control characters in its name, which hide its real extension")
		name = strings.Map(func(r rune) rune {
			if strings.ContainsRune(bidiControls, r) {
				return -1
			}
			return r
		}, name)
	}
	ext := strings.TrimPrefix(strings.ToLower(path.Ext(name)), ".")
	byName, declared, sniffed := byExtension()[ext], byType()[a.Type], sniff(a.Head)
	if strings.Contains(a.Type, "macroenabled") {
		declared = kindMacro
	}
	switch {
	case byName != "":
		res.Kind = byName
		reasons = append(reasons, shown+" is "+kindWords[byName]+" (."+ext+")")
		if sniffed != "" && sniffed != byName && sniffed != kindArchive {
			reasons = append(reasons, shown+" holds "+kindWords[sniffed])
		}
	case sniffed != "":
		res.Kind = sniffed
		if a.Name != "" {
			reasons = append(reasons, shown+" is really "+kindWords[sniffed]+", whatever its name says")
		} else {
			reasons = append(reasons, shown+" is "+kindWords[sniffed])
		}
	case declared != "":
		res.Kind = declared
		reasons = append(reasons, shown+" is declared as "+kindWords[declared]+" ("+a.Type+")")
	}
	if len(reasons) > 0 && res.Kind == "" {
		res.Kind = kindOther
	}
	return res, reasons
}
