package staff

import (
	"reflect"
	"slices"
	"testing"
	"time"
)

func TestParseRole(t *testing.T) {
	for in, want := range map[string]string{"ops": "ops", "Staff": "ops", " finance ": "finance", "manager": "manager"} {
		if got, err := ParseRole(in); err != nil || got != want {
			t.Errorf("ParseRole(%q) = %q, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "root", "admin", "ops,finance"} {
		if _, err := ParseRole(bad); err == nil {
			t.Errorf("ParseRole(%q) accepted", bad)
		}
	}
	if PersonRole(RoleOps) != "staff" || PersonRole(RoleManager) != "manager" {
		t.Fatal("person roles")
	}
	// Every role has one Vault role and back, and each Vault role is one.
	seen := map[string]bool{}
	for _, role := range []string{RoleOps, RoleFinance, RoleManager} {
		vr := PersonRole(role)
		if RoleOf(vr) != role || !slices.Contains(VaultRoles, vr) || seen[vr] {
			t.Errorf("%s: Vault role %q maps back to %q", role, vr, RoleOf(vr))
		}
		seen[vr] = true
	}
	if len(VaultRoles) != len(seen) || RoleOf("reminder") != "reminder" {
		t.Errorf("Vault roles %v, reminder maps to %q", VaultRoles, RoleOf("reminder"))
	}
}

func FuzzParseRole(f *testing.F) {
	f.Add("ops")
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRole(s)
		if err == nil && r != RoleOps && r != RoleFinance && r != RoleManager {
			t.Fatalf("ParseRole(%q) = %q", s, r)
		}
	})
}

func TestMemberRoundTrip(t *testing.T) {
	m := Member{Name: "olga", Role: RoleOps, Stores: []string{"acme-de", "acme-us"}, Email: "ops@acme.example",
		Status: StatusActive, OnboardedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), OnboardedBy: "userpass-maria"}
	data, meta := m.Encode()
	strs := map[string]string{}
	for k, v := range data {
		strs[k], _ = v.(string)
	}
	if got := FromMetadata("olga", strs); !reflect.DeepEqual(got, m) {
		t.Fatalf("round trip through the data: %+v", got)
	}
	// Metadata, which the reminder job reads, holds the mailbox masked.
	listed := m
	listed.Email = "o***@a***.example"
	if got := FromMetadata("olga", meta); !reflect.DeepEqual(got, listed) {
		t.Fatalf("round trip through the metadata: %+v", got)
	}
	if _, ok := meta["phone"]; ok {
		t.Fatal("an empty value went into metadata")
	}
}

func TestCanRead(t *testing.T) {
	ops := Member{Name: "olga", Role: RoleOps, Stores: []string{"acme-us"}}
	if !ops.CanRead("acme-us") || ops.CanRead("acme-de") {
		t.Error("ops reads exactly their own stores")
	}
	for _, role := range []string{RoleFinance, RoleManager} {
		if m := (Member{Role: role}); !m.CanRead("acme-de") {
			t.Errorf("%s reads every store", role)
		}
	}
}
