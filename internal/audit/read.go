package audit

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"io"
)

// DefaultMaxLine is the longest audit line read (64 MiB): a listing of
// tens of thousands of keys, each HMAC'd, makes lines of megabytes. A
// longer line is skipped and counted as malformed.
const DefaultMaxLine = 64 << 20

// readBuffer is the reader's buffer: lines up to this long are read in
// place.
const readBuffer = 1 << 20

// ReadLog feeds every line of r to the analyzer. Lines longer than maxLine
// (0: DefaultMaxLine) are skipped and counted as malformed; a last line
// without a newline is read like any other (and, cut short, counted as
// malformed). Only a read error stops it.
func (a *Analyzer) ReadLog(r io.Reader, maxLine int) error {
	if maxLine <= 0 {
		maxLine = DefaultMaxLine
	}
	return eachLine(r, maxLine, a.Line, func() {
		a.stats.Lines++
		a.stats.Malformed++
	})
}

// eachLine calls line for every line of r without its newline, reusing
// one buffer: the slice is valid until the next call.
func eachLine(r io.Reader, maxLine int, line func([]byte), tooLong func()) error {
	br := bufio.NewReaderSize(r, readBuffer)
	var long []byte
	skipping := false
	for {
		chunk, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			if !skipping {
				if len(long)+len(chunk) > maxLine {
					skipping, long = true, long[:0]
					tooLong()
				} else {
					long = append(long, chunk...)
				}
			}
			continue
		}
		switch {
		case skipping:
			skipping = false
		case len(long) > 0:
			if len(long)+len(chunk) > maxLine+1 { // +1: the newline
				tooLong()
			} else {
				long = append(long, chunk...)
				line(long)
			}
			long = long[:0]
			if cap(long) > 4<<20 {
				long = nil // do not keep a huge buffer for the rest of the log
			}
		case len(bytes.TrimSuffix(chunk, []byte{'\n'})) > maxLine:
			tooLong()
		case len(chunk) > 0:
			line(chunk)
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

var gzipMagic = []byte{0x1f, 0x8b}

// Decompress returns r itself, or a reader of its decompressed content
// when it is gzip (a log rotated and compressed by logrotate).
func Decompress(r io.Reader) (io.Reader, error) {
	br := bufio.NewReaderSize(r, readBuffer) // eachLine uses it as it is
	head, err := br.Peek(2)
	if err != nil && err != io.EOF {
		return nil, err
	}
	if bytes.Equal(head, gzipMagic) {
		return gzip.NewReader(br)
	}
	return br, nil
}

// Analyze reads a whole log and reports on it.
func Analyze(r io.Reader, opts Options) (*Report, error) {
	a := NewAnalyzer(opts)
	if err := a.ReadLog(r, 0); err != nil {
		return nil, err
	}
	return a.Report(), nil
}
