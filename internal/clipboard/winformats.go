package clipboard

import (
	"encoding/binary"
	"errors"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// The pure parts of the Windows clipboard (windows.go), here so that they
// are tested on every platform.

// winFormat is a registered clipboard format that a copy carries besides
// its text, and the data it carries.
type winFormat struct {
	name string
	data []byte
}

// winSecretFormats mark a copy as a secret on Windows (documented by
// Microsoft under "Clipboard formats"; Windows 10 1809 and later honour
// them):
//
//   - ExcludeClipboardContentFromMonitorProcessing: any data; clipboard
//     monitors, the clipboard history among them, are to ignore the copy;
//   - CanIncludeInClipboardHistory, DWORD 0: not in the clipboard history
//     (Win+V);
//   - CanUploadToCloudClipboard, DWORD 0: not synced to the user's other
//     devices.
var winSecretFormats = []winFormat{
	{"ExcludeClipboardContentFromMonitorProcessing", dword(0)},
	{"CanIncludeInClipboardHistory", dword(0)},
	{"CanUploadToCloudClipboard", dword(0)},
}

func dword(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }

// utf16z is s as CF_UNICODETEXT wants it: UTF-16, little-endian, ending in
// a NUL character. Text with a NUL of its own, or that is not UTF-8, is
// refused: it would not read back as it was copied.
func utf16z(s string) ([]byte, error) {
	if !utf8.ValidString(s) {
		return nil, errors.New("the value is not UTF-8 text")
	}
	if strings.IndexByte(s, 0) >= 0 {
		return nil, errors.New("the value contains a NUL character, which the Windows clipboard cannot hold")
	}
	u := utf16.Encode([]rune(s))
	b := make([]byte, 0, 2*len(u)+2)
	for _, c := range u {
		b = binary.LittleEndian.AppendUint16(b, c)
	}
	return append(b, 0, 0), nil
}

// fromUTF16z decodes CF_UNICODETEXT data up to its first NUL character.
func fromUTF16z(b []byte) string {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		c := binary.LittleEndian.Uint16(b[i:])
		if c == 0 {
			break
		}
		u = append(u, c)
	}
	return string(utf16.Decode(u))
}
