package audit

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"strings"
	"testing"
)

func TestMalformedAndLong(t *testing.T) {
	good := both(by("olga").read(cred, t0))
	long := `{"request":{"path":"sv/data/x"},"pad":"` + strings.Repeat("a", 3000) + `"}`
	in := strings.Join([]string{
		"garbage that names \"path\":\"sv/data/stores/a/creds/b\"",
		"garbage about nothing",
		"",
		long,
		`{"type":"response","time":"yesterday","request":{"path":"sv/data/stores/a/creds/b"}}`,
		`{"type":"surprise","time":"2026-03-02T10:00:00Z","request":{"path":"sv/data/stores/a/creds/b"}}`,
		string(good[0]) + "\r",
		string(good[1]),
	}, "\n") // no newline at the end
	a := NewAnalyzer(Options{Prefix: "sv", People: team()})
	if err := a.ReadLog(strings.NewReader(in), 2048); err != nil {
		t.Fatal(err)
	}
	rep := a.Report()
	wantEvents(t, rep, "olga read credential acme-us/seller-central ok []")
	if s := rep.Stats; s.Lines != 7 || s.Malformed != 4 || s.Other != 1 || s.Requests != 1 {
		t.Fatalf("stats %+v", s)
	}
	// A line longer than the reader's buffer is put together.
	big := both(by("olga").read(cred, t0))
	pad := strings.Repeat(" ", 3<<20)
	joined := string(big[0]) + "\n" + strings.Replace(string(big[1]), `"type"`, pad+`"type"`, 1) + "\n"
	rep, err := Analyze(strings.NewReader(joined), Options{Prefix: "sv", People: team()})
	if err != nil || len(rep.Events) != 1 || rep.Stats.Malformed != 0 {
		t.Fatalf("a 3 MiB line: %v, %+v", err, rep.Stats)
	}
}

func TestDecompress(t *testing.T) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(bytes.Join(both(by("olga").read(cred, t0)), []byte("\n")))
	zw.Close()
	for _, in := range [][]byte{buf.Bytes(), bytes.Join(both(by("olga").read(cred, t0)), []byte("\n")), nil} {
		r, err := Decompress(bytes.NewReader(in))
		if err != nil {
			t.Fatal(err)
		}
		rep, err := Analyze(r, Options{Prefix: "sv", People: team()})
		if err != nil || (in != nil && len(rep.Events) != 1) {
			t.Fatalf("%v, %+v", err, rep)
		}
	}
}

// TestReformatted: a log that went through another JSON encoder (spaces,
// escaped slashes, other key order) reads the same.
func TestReformatted(t *testing.T) {
	var lines [][]byte
	for _, l := range both(by("olga").read(cred, t0)) {
		var m map[string]any
		if err := json.Unmarshal(l, &m); err != nil {
			t.Fatal(err)
		}
		b, _ := json.MarshalIndent(m, "", "")
		b = bytes.ReplaceAll(b, []byte("\n"), []byte(" "))
		b = bytes.ReplaceAll(b, []byte("/"), []byte(`\/`))
		lines = append(lines, b)
	}
	wantEvents(t, analyzeLines(t, Options{}, lines...), "olga read credential acme-us/seller-central ok []")
}
