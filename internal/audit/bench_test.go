package audit

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestMain(m *testing.M) {
	code := m.Run()
	if benchLog.dir != "" {
		os.RemoveAll(benchLog.dir)
	}
	os.Exit(code)
}

// benchLog is the generated log, made once per test binary.
var benchLog struct {
	once   sync.Once
	dir    string
	path   string
	size   int64
	people []Person
	err    error
}

// template is a real audit line, decoded, to be varied.
type template map[string]any

func (t template) clone() template {
	b, _ := json.Marshal(t)
	var c template
	_ = json.Unmarshal(b, &c)
	return c
}

func sub(m map[string]any, key string) map[string]any {
	v, _ := m[key].(map[string]any)
	return v
}

// generateLog writes about size bytes of audit log in the shapes of the
// sample (real lines of Vault 1.21): a team of 50 with 20 stores of 10
// logins each reading logins and codes, some refused, payout proposals,
// listings and metadata reads, logins, Vault's own requests (sys/,
// token lookups, Transit), and another team's mount on the same Vault.
// Each request is a request entry and a response entry.
func generateLog(path string, size int64, people []Person) (int64, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	samples, err := os.ReadFile("testdata/sample.log")
	if err != nil {
		return 0, err
	}
	byPath := map[string]template{}
	var all []template
	for _, line := range strings.Split(strings.TrimSpace(string(samples)), "\n") {
		var t template
		if err := json.Unmarshal([]byte(line), &t); err != nil {
			return 0, err
		}
		if t["type"] == "response" {
			all = append(all, t)
			byPath[sub(t, "request")["path"].(string)+"|"+fmt.Sprint(t["error"] != nil)] = t
		}
	}
	pick := func(substr string, denied bool) template {
		for k, t := range byPath {
			if strings.Contains(k, substr) && strings.HasSuffix(k, fmt.Sprint(denied)) {
				return t
			}
		}
		panic("no sample line for " + substr)
	}
	read := pick("creds/advertising", false)
	code := pick("acme-totp/code/", false)
	denied := pick("acme-de/creds/seller-central", true)
	proposal := pick("proposals/payout/", false)
	staffMeta := pick("metadata/staff", false)
	sysLine := pick("sys/audit", false)
	login := pick("auth/userpass/login/maria", false)

	rng := rand.New(rand.NewPCG(1, 2))
	at := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	var written int64
	for n := 0; written < size; n++ {
		p := people[rng.IntN(len(people))]
		store := fmt.Sprintf("store-%02d", rng.IntN(20))
		if len(p.Stores) > 0 && rng.IntN(10) > 0 {
			store = p.Stores[rng.IntN(len(p.Stores))]
		}
		name := fmt.Sprintf("login-%d", rng.IntN(10))
		var t template
		var path, op string
		switch r := rng.IntN(100); {
		case r < 50:
			t, path, op = read, "acme/data/stores/"+store+"/creds/"+name, "read"
		case r < 60:
			t, path, op = code, "acme-totp/code/"+store+"."+name, "read"
		case r < 63:
			t, path, op = denied, "acme/data/stores/"+store+"/creds/"+name, "read"
		case r < 65:
			t, path, op = proposal, fmt.Sprintf("acme/data/proposals/payout/%s/20260301-%06d-abcdef", store, n), "create"
		case r < 75:
			t, path, op = staffMeta, "acme/metadata/stores/"+store+"/creds/"+name, "read"
		case r < 78:
			t, path, op = login, "auth/userpass/login/"+p.Name, "update"
		case r < 85:
			t, path, op = read, "other-team/data/stores/"+store+"/creds/"+name, "read"
		case r < 92:
			t, path, op = sysLine, "auth/token/lookup-self", "read"
		default:
			t, path, op = sysLine, "acme-transit/hmac/acme-redact", "update"
		}
		t = t.clone()
		auth := sub(t, "auth")
		if auth != nil {
			auth["entity_id"], auth["display_name"] = p.EntityID, "userpass-"+p.Name
			auth["client_token"] = fmt.Sprintf("hmac-sha256:%064x", rng.Uint64())
		}
		req := sub(t, "request")
		req["path"], req["operation"] = path, op
		req["id"] = fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", rng.Uint32(), rng.Uint32()&0xffff, rng.Uint32()&0xffff, rng.Uint32()&0xffff, rng.Uint64()&0xffffffffffff)
		req["client_token"] = fmt.Sprintf("hmac-sha256:%064x", rng.Uint64()%4096)
		if ra := sub(sub(t, "response"), "auth"); ra != nil {
			ra["entity_id"], ra["display_name"] = p.EntityID, "userpass-"+p.Name
		}
		// The request entry: no response, no error (permission is
		// checked after it is logged for refused ones too).
		q := t.clone()
		delete(q, "response")
		q["type"], q["time"] = "request", at.Format(time.RFC3339Nano)
		at = at.Add(time.Duration(20+rng.IntN(200)) * time.Millisecond)
		t["time"] = at.Format(time.RFC3339Nano)
		for _, e := range []template{q, t} {
			b, err := json.Marshal(e)
			if err != nil {
				return 0, err
			}
			b = append(b, '\n')
			if _, err := w.Write(b); err != nil {
				return 0, err
			}
			written += int64(len(b))
		}
	}
	_ = all
	return written, w.Flush()
}

func benchPeople() []Person {
	var people []Person
	roles := []string{RoleOps, RoleOps, RoleOps, RoleOps, RoleFinance, RoleManager}
	for i := 0; i < 50; i++ {
		p := Person{Name: fmt.Sprintf("person%02d", i), EntityID: fmt.Sprintf("%08x-0000-4000-8000-%012x", i, i*7919), Role: roles[i%len(roles)]}
		if p.Role != RoleManager {
			p.Stores = []string{fmt.Sprintf("store-%02d", i%20), fmt.Sprintf("store-%02d", (i+7)%20)}
		}
		if i%17 == 16 {
			p.Offboarded, p.OffboardedAt = true, time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		}
		people = append(people, p)
	}
	return people
}

// BenchmarkAuditLog100MB reads and analyses about 100 MB of audit log
// (made once, in the shapes of real Vault lines): throughput in MB/s and
// allocations per run.
//
//	go test -run '^$' -bench AuditLog100MB -benchmem -benchtime 3x ./internal/audit/
func BenchmarkAuditLog100MB(b *testing.B) {
	benchLog.once.Do(func() {
		benchLog.dir, benchLog.err = os.MkdirTemp("", "sellervault-audit-bench-")
		if benchLog.err != nil {
			return
		}
		benchLog.people = benchPeople()
		benchLog.path = filepath.Join(benchLog.dir, "audit.log")
		benchLog.size, benchLog.err = generateLog(benchLog.path, 100<<20, benchLog.people)
	})
	if benchLog.err != nil {
		b.Fatal(benchLog.err)
	}
	dir := NewDirectory(benchLog.people)
	b.SetBytes(benchLog.size)
	b.ReportAllocs()
	b.ResetTimer()
	var rep *Report
	for i := 0; i < b.N; i++ {
		f, err := os.Open(benchLog.path)
		if err != nil {
			b.Fatal(err)
		}
		rep, err = Analyze(f, Options{Prefix: "acme", People: dir})
		f.Close()
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if rep.Stats.Malformed != 0 || rep.Stats.Unanswered != 0 || len(rep.Events) == 0 {
		b.Fatalf("stats %+v, %d events", rep.Stats, len(rep.Events))
	}
	b.ReportMetric(float64(rep.Stats.Lines), "lines/op")
	b.ReportMetric(float64(len(rep.Events)), "events/op")
	b.ReportMetric(float64(len(rep.Flags)), "flags/op")
}
