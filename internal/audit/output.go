package audit

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"
)

// EventView is the JSON form of an event; the keys are stable.
type EventView struct {
	Time      string   `json:"time"`
	Person    string   `json:"person"`
	Role      string   `json:"role"`
	EntityID  string   `json:"entity_id"`
	Action    string   `json:"action"`
	Operation string   `json:"operation"`
	Kind      string   `json:"kind"`
	Record    string   `json:"record"`
	Store     string   `json:"store"`
	Result    string   `json:"result"`
	Flags     []string `json:"flags"`
	Note      string   `json:"note"`
}

// FlagView is the JSON form of a flag.
type FlagView struct {
	Flag   string `json:"flag"`
	Time   string `json:"time"`
	Until  string `json:"until"`
	Person string `json:"person"`
	Role   string `json:"role"`
	Kind   string `json:"kind"`
	Record string `json:"record"`
	Store  string `json:"store"`
	Count  int    `json:"count"`
	Detail string `json:"detail"`
}

// SummaryView is the JSON form of the counts.
type SummaryView struct {
	Lines       int    `json:"lines"`
	Malformed   int    `json:"malformed"`
	Other       int    `json:"other"`
	Requests    int    `json:"requests"`
	Unanswered  int    `json:"unanswered"`
	Events      int    `json:"events"`
	Flags       int    `json:"flags"`
	First       string `json:"first"`
	Last        string `json:"last"`
	BurstReads  int    `json:"burst_reads"`
	BurstWindow string `json:"burst_window"`
	HMACInputs  int    `json:"hmac_inputs"`
	HMACWindow  string `json:"hmac_window"`
}

// View is the JSON form of a report.
type View struct {
	Events  []EventView `json:"events"`
	Flags   []FlagView  `json:"flags"`
	Summary SummaryView `json:"summary"`
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// View builds the report's JSON form.
func (r *Report) View() View {
	v := View{Events: make([]EventView, 0, len(r.Events)), Flags: make([]FlagView, 0, len(r.Flags))}
	for _, e := range r.Events {
		flags := e.Flags
		if flags == nil {
			flags = []string{}
		}
		v.Events = append(v.Events, EventView{Time: stamp(e.Time), Person: e.Person, Role: e.Role, EntityID: e.EntityID,
			Action: e.Action, Operation: e.Operation, Kind: e.Kind, Record: e.Record, Store: e.Store, Result: e.Result,
			Flags: flags, Note: e.Note})
	}
	for _, f := range r.Flags {
		v.Flags = append(v.Flags, FlagView{Flag: f.Kind, Time: stamp(f.Time), Until: stamp(f.Until), Person: f.Person,
			Role: f.Role, Kind: f.RecordKind, Record: f.Record, Store: f.Store, Count: f.Count, Detail: f.Detail})
	}
	s := r.Stats
	v.Summary = SummaryView{Lines: s.Lines, Malformed: s.Malformed, Other: s.Other, Requests: s.Requests,
		Unanswered: s.Unanswered, Events: len(r.Events), Flags: len(r.Flags), First: stamp(s.First), Last: stamp(s.Last),
		BurstReads: r.Burst.Reads, BurstWindow: formatWindow(r.Burst.Window),
		HMACInputs: r.HMAC.Inputs, HMACWindow: formatWindow(r.HMAC.Window)}
	return v
}

// WriteJSON writes the report as one indented JSON object: events, flags
// and summary.
func WriteJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r.View())
}

// CSVHeader is the header of WriteCSV: events and flags share the
// columns, told apart by the first.
var CSVHeader = []string{"section", "time", "person", "role", "action", "kind", "record", "store", "result",
	"flags", "until", "count", "detail"}

// WriteCSV writes events, then flags, as one CSV table with CSVHeader;
// a cell that a spreadsheet would take for a formula gets a leading
// apostrophe.
func WriteCSV(w io.Writer, r *Report) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	v := r.View()
	for _, e := range v.Events {
		note := e.Note
		if err := writeCSV(cw, "event", e.Time, e.Person, e.Role, e.Action, e.Kind, e.Record, e.Store, e.Result,
			strings.Join(e.Flags, ";"), "", "", note); err != nil {
			return err
		}
	}
	for _, f := range v.Flags {
		count := ""
		if f.Count > 0 {
			count = strconv.Itoa(f.Count)
		}
		if err := writeCSV(cw, "flag", f.Time, f.Person, f.Role, f.Flag, f.Kind, f.Record, f.Store, "", f.Flag,
			f.Until, count, f.Detail); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func writeCSV(cw *csv.Writer, cells ...string) error {
	for i, c := range cells {
		cells[i] = defuse(clean(c))
	}
	return cw.Write(cells)
}

// defuse keeps a spreadsheet from reading a cell as a formula.
func defuse(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

// clean replaces control characters, which a tampered log could carry
// into a path, so that they cannot break the table or drive a terminal.
func clean(s string) string {
	if strings.IndexFunc(s, isControl) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isControl(r) {
			return unicode.ReplacementChar
		}
		return r
	}, s)
}

func isControl(r rune) bool { return unicode.IsControl(r) || r == 0x2028 || r == 0x2029 }

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return clean(s)
}

// WriteTable writes the events as a table, then, after a blank line, the
// flags.
func WriteTable(w io.Writer, r *Report) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME\tPERSON\tROLE\tACTION\tKIND\tRECORD\tRESULT\tFLAGS")
	for _, e := range r.Events {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", e.Time.UTC().Format(time.RFC3339), dash(e.Person),
			dash(e.Role), e.Action, e.Kind, dash(e.Record), e.Result, dash(strings.Join(e.Flags, ",")))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FLAG\tTIME\tPERSON\tKIND\tRECORD\tDETAIL")
	for _, f := range r.Flags {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", f.Kind, f.Time.UTC().Format(time.RFC3339), dash(f.Person),
			dash(f.RecordKind), dash(f.Record), dash(f.Detail))
	}
	return tw.Flush()
}
