package staff

import (
	"reflect"
	"testing"
)

func TestScopeOf(t *testing.T) {
	names := PolicyNames{Manager: "sv-manager", Finance: "sv-finance", Reminder: "sv-reminder", StorePrefix: "sv-store-"}
	for _, tc := range []struct {
		name     string
		policies []string
		want     Scope
	}{
		{"root", []string{"root"}, Scope{All: true}},
		{"manager", []string{"default", "sv-self", "sv-manager"}, Scope{All: true}},
		{"ops of two stores", []string{"sv-self", "sv-staff", "sv-store-acme-us", "sv-store-acme-de"},
			Scope{Stores: []string{"acme-de", "acme-us"}}},
		{"finance", []string{"sv-finance", "sv-store-acme-us"}, Scope{Finance: true, Stores: []string{"acme-us"}}},
		{"reminder job", []string{"sv-reminder"}, Scope{Lister: true}},
		// Another team's policies, a bare prefix and look-alikes give nothing.
		{"other team", []string{"xx-manager", "xx-store-acme-us", "sv-store-", "sv-managers", "sv-storeacme"}, Scope{}},
		{"nothing", nil, Scope{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ScopeOf(tc.policies, names); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestScopeMember(t *testing.T) {
	ops := Scope{Stores: []string{"acme-us"}}
	if !ops.Member("acme-us") || ops.Member("acme-de") || ops.Member("") {
		t.Error("ops: only their own store")
	}
	if !(Scope{All: true}).Member("acme-de") || !(Scope{Lister: true}).Member("acme-de") {
		t.Error("managers and the reminder job: every store")
	}
	if (Scope{Finance: true}).Member("acme-de") {
		t.Error("finance reaches a store's logins only through its group")
	}
}
