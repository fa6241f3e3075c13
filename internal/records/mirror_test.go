package records

import (
	"reflect"
	"testing"
)

func TestMirrorDiff(t *testing.T) {
	c := Credential{Store: "acme-us", Name: "seller-central", Login: "ops@acme.example", Password: "CANARY-mirror",
		Owner: "maria", Assignees: []string{"olga"}, RecoveryEmail: "boss@acme.example", RecoveryEmailRef: "ref1"}
	want := c.Encode().Metadata
	if d, fixed := MirrorDiff(want, want); len(d) != 0 || !reflect.DeepEqual(fixed, want) {
		t.Fatalf("an up-to-date mirror differs in %v", d)
	}
	// owner changed around sellervault, assignees emptied, the mirror kept
	// the old ones; a restore's marker and an unknown key stay
	stale := map[string]string{}
	for k, v := range want {
		stale[k] = v
	}
	c.Owner, c.Assignees = "tom", nil
	stale["totp_reenrol"], stale["custom"] = "required", "x"
	d, fixed := MirrorDiff(stale, c.Encode().Metadata)
	if !reflect.DeepEqual(d, []string{"owner", "assignees"}) {
		t.Errorf("differ %v, want owner and assignees", d)
	}
	if fixed["owner"] != "tom" || hasKey(fixed, "assignees") || fixed["totp_reenrol"] != "required" || fixed["custom"] != "x" {
		t.Errorf("fixed %v", fixed)
	}
	for _, v := range fixed {
		if v == "CANARY-mirror" || v == "ops@acme.example" {
			t.Errorf("the fixed mirror holds a value: %v", fixed)
		}
	}
	// a missing mirror (metadata lost) is all of it
	if d, fixed := MirrorDiff(nil, want); len(d) == 0 || !reflect.DeepEqual(fixed, want) {
		t.Errorf("missing mirror: differ %v, fixed %v", d, fixed)
	}
}

func TestStampFresh(t *testing.T) {
	meta := map[string]string{"owner": "maria"}
	st := Stamp(meta, 3)
	if hasKey(meta, MirrorsKey) {
		t.Error("Stamp changed its argument")
	}
	for _, tc := range []struct {
		meta    map[string]string
		current int
		fresh   bool
	}{
		{st, 3, true},
		{st, 4, false}, // written around sellervault: version 4, stamp 3
		{meta, 3, false},
		{nil, 1, false},
		{map[string]string{MirrorsKey: ""}, 0, false},
		{map[string]string{MirrorsKey: "03"}, 3, false},
	} {
		if got := Fresh(tc.meta, tc.current); got != tc.fresh {
			t.Errorf("Fresh(%v, %d) = %v", tc.meta, tc.current, got)
		}
	}
	// the stamp is part of the mirror: a stale one differs
	if d, _ := MirrorDiff(st, Stamp(meta, 4)); !reflect.DeepEqual(d, []string{MirrorsKey}) {
		t.Errorf("differ %v, want the stamp", d)
	}
}
