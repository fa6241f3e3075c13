package attack

// The no-oracle test of contacts mirrored in metadata (see
// oracle_test.go).

import (
	"strings"
	"testing"

	"github.com/sellervault/sellervault/internal/records"
)

// TestNoOracleContactsInMetadata: schema 2 mirrored phone numbers,
// mailbox addresses and recovery factors in custom metadata and paths,
// so the reminder job, which never sees a value, saw them all. The
// reminder job walks every folder it can list from the mounts' tops with
// its own token and reads every metadata it finds; staff and finance read
// every metadata root knows of. None holds a contact's value (masked
// forms and IDs only), a password or an account number.
func TestNoOracleContactsInMetadata(t *testing.T) {
	tm := getTeam(t)
	o := tm.oracle
	all := o.values()
	contactsIDs := map[string]bool{}
	for _, v := range []struct{ kind, v string }{{records.KindMailbox, o.mailbox}, {records.KindMailbox, o.personal}, {records.KindPhone, o.phone}, {records.KindPhone, o.personalPhone}} {
		k, err := tm.contactKey(v.kind, v.v)
		if err != nil {
			t.Fatal(err)
		}
		contactsIDs[k] = true
	}

	// The reminder job, from the top.
	rem := tm.members[roleReminder].token
	var metas []string
	seen := map[string]bool{}
	var walk func(mount, dir string, depth int)
	walk = func(mount, dir string, depth int) {
		if depth > 8 {
			t.Errorf("%s/%s: folders nested too deep", mount, dir)
			return
		}
		rep := tm.doT(t, rem, request{Method: "LIST", Path: mount + "/metadata/" + escapeKey(dir)})
		if rep.Status != 200 {
			return
		}
		for _, n := range strList(obj(decode(rep), "data"), "keys") {
			if l := leakOf(n, all); l != "" {
				t.Errorf("the reminder job lists %s in %s/%s: it spells %s", n, mount, dir, l)
			}
			if strings.HasSuffix(n, "/") {
				walk(mount, dir+n, depth+1)
				continue
			}
			m := tm.doT(t, rem, request{Method: "GET", Path: mount + "/metadata/" + escapeKey(dir+n)})
			if m.Status == 200 {
				seen[dir+n] = true
				metas = append(metas, dir+n+": "+string(m.Body))
			}
		}
	}
	for _, mount := range tm.kvMounts() {
		walk(mount, "", 0)
	}
	for k := range contactsIDs {
		if !seen[k] {
			t.Errorf("control: the reminder job's walk did not reach %s", k)
		}
	}
	joined := strings.Join(metas, "\n")
	for _, masked := range []string{records.MaskEmail(o.mailbox), records.MaskPhone(o.phone), `"recovery_email_ref"`} {
		if !strings.Contains(joined, masked) {
			t.Errorf("control: no metadata the reminder job reads shows %s: the listings lost what they need", masked)
		}
	}
	for _, m := range metas {
		if l := leakOf(m, all); l != "" {
			t.Errorf("the reminder job reads %s in the metadata %s", l, clip(m))
		}
	}
	t.Logf("reminder job: %d metadata read", len(metas))

	// Staff and finance: every metadata root knows of.
	for _, role := range []string{roleStaff, roleFinance} {
		denied := tm.deniedValues(role)
		read := 0
		for _, mount := range tm.kvMounts() {
			keys, err := tm.kvKeys(mount)
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range keys {
				rep := tm.doT(t, tm.members[role].token, request{Method: "GET", Path: mount + "/metadata/" + escapeKey(k)})
				if rep.Status != 200 {
					continue
				}
				read++
				if l := leakOf(string(rep.Body), denied); l != "" {
					t.Errorf("%s reads %s in the metadata of %s/%s", role, l, mount, k)
				}
			}
		}
		if read == 0 {
			t.Errorf("control: %s read no metadata at all", role)
		}
	}
}
