package audit

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestOutput(t *testing.T) {
	rep := &Report{
		Events: []Event{{Time: t0, Person: "=cmd|x", Action: "read", Kind: KindCredential, Record: "a/b\x1b[31m", Result: "ok", Flags: []string{"burst"}}},
		Flags:  []Flag{{Kind: FlagBurst, Time: t0, Until: t0.Add(time.Minute), Person: "olga", Count: 21, Detail: "d"}},
	}
	rep.Burst.Reads, rep.Burst.Window = 20, 5*time.Minute
	var csvOut, table, js bytes.Buffer
	if err := WriteCSV(&csvOut, rep); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(csvOut.String(), "'=cmd|x") || strings.Contains(csvOut.String(), "\x1b") ||
		!strings.Contains(csvOut.String(), "flag,2026-03-02T10:00:00Z,olga,,burst,,,,,burst,2026-03-02T10:01:00Z,21,d") {
		t.Fatalf("csv:\n%s", csvOut.String())
	}
	if err := WriteTable(&table, rep); err != nil || strings.Contains(table.String(), "\x1b") || !strings.Contains(table.String(), "a/b\uFFFD[31m") {
		t.Fatalf("table:\n%s", table.String())
	}
	if err := WriteJSON(&js, &Report{}); err != nil || !strings.Contains(js.String(), `"events": []`) || !strings.Contains(js.String(), `"flags": []`) {
		t.Fatalf("json:\n%s", js.String())
	}
}
