package clipboard

// macCopyScript is the JavaScript for Automation (osascript -l
// JavaScript) that darwin.go runs to copy on macOS; it is here, without a
// build constraint, so that it is checked on every platform. It reads the
// value from its stdin, never from its argv, empties the general
// pasteboard, and, unless the value is empty (a clear), puts it as
// public.utf8-plain-text together with org.nspasteboard.ConcealedType, the
// marker of nspasteboard.org that tells clipboard managers the text is a
// password. The marker's data is an empty string: its presence is the
// mark.
const macCopyScript = `ObjC.import('Foundation');
ObjC.import('AppKit');
(function () {
	var data = $.NSFileHandle.fileHandleWithStandardInput.readDataToEndOfFile;
	var pb = $.NSPasteboard.generalPasteboard;
	pb.clearContents;
	if (data.length == 0) {
		return '';
	}
	var text = $.NSString.alloc.initWithDataEncoding(data, $.NSUTF8StringEncoding);
	if (text.isNil()) {
		throw new Error('the value is not UTF-8 text');
	}
	if (!pb.setStringForType(text, 'public.utf8-plain-text') ||
		!pb.setStringForType($(''), 'org.nspasteboard.ConcealedType')) {
		pb.clearContents;
		throw new Error('the pasteboard refused the copy');
	}
	return '';
})();
`

// macCopyArgs is the osascript command line: the script, never the value.
var macCopyArgs = []string{"osascript", "-l", "JavaScript", "-e", macCopyScript}
