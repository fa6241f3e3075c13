package audit

import (
	"strings"
	"testing"
)

func TestMapPath(t *testing.T) {
	for _, tc := range []struct {
		path string
		want Ref
		ok   bool
	}{
		{"sv/data/stores/acme-us/creds/seller-central", Ref{Kind: KindCredential, API: APIData, Store: "acme-us", Name: "seller-central"}, true},
		{"/sv/data/stores/acme-us/creds/seller-central", Ref{Kind: KindCredential, API: APIData, Store: "acme-us", Name: "seller-central"}, true},
		{"sv/metadata/stores/acme-us/creds/seller-central", Ref{Kind: KindCredential, API: APIMetadata, Store: "acme-us", Name: "seller-central"}, true},
		{"sv/metadata/stores/acme-us/creds/", Ref{Kind: KindOther, API: APIMetadata}, true},
		{"sv/data/stores/acme-us/creds/a/b", Ref{Kind: KindOther, API: APIData}, true},
		{"sv/data/stores/acme-us/payout", Ref{Kind: KindPayout, API: APIData, Store: "acme-us"}, true},
		{"sv/delete/stores/acme-us/payout", Ref{Kind: KindPayout, API: APIDelete, Store: "acme-us"}, true},
		{"sv/data/stores/acme-us", Ref{Kind: KindStore, API: APIData, Store: "acme-us"}, true},
		{"sv/data/contacts/email/ops@acme.example", Ref{Kind: KindMailbox, API: APIData, Name: "ops@acme.example"}, true},
		{"sv/data/contacts/phone/14155550100", Ref{Kind: KindPhone, API: APIData, Name: "+14155550100"}, true},
		{"sv/data/proposals/payout/acme-us/20260101-000000-abcdef", Ref{Kind: KindPayoutProposal, API: APIData, Store: "acme-us", Name: "20260101-000000-abcdef"}, true},
		{"sv/data/proposals/payout-decisions/acme-us/X", Ref{Kind: KindPayoutDecision, API: APIData, Store: "acme-us", Name: "X"}, true},
		{"sv/data/staff/olga", Ref{Kind: KindStaff, API: APIData, Name: "olga"}, true},
		{"sv/data/_meta/settings", Ref{Kind: KindOther, API: APIData}, true},
		{"sv/config", Ref{Kind: KindOther}, true},
		{"sv/data//stores", Ref{Kind: KindOther, API: APIData}, true},
		{"sv-totp/code/acme-us.seller-central", Ref{Kind: KindTOTPCode, Store: "acme-us", Name: "seller-central"}, true},
		{"sv-totp/keys/acme-us.seller-central.staged", Ref{Kind: KindTOTPKey, Store: "acme-us", Name: "seller-central.staged"}, true},
		{"sv-totp/keys", Ref{Kind: KindOther}, true},
		{"sv-totp/code/nodot", Ref{Kind: KindOther}, true},
		{"auth/userpass/login/olga", Ref{Kind: KindLogin, Name: "olga"}, true},
		{"auth/userpass/login/", Ref{Kind: KindOther}, true},

		{"sv2/data/stores/a/creds/b", Ref{}, false},
		{"sv-transit/hmac/sv-redact", Ref{}, false},
		{"other/data/stores/a/creds/b", Ref{}, false},
		{"sys/leases/revoke-prefix/auth/userpass/login/tom", Ref{}, false},
		{"sv", Ref{}, false},
		{"", Ref{}, false},
	} {
		got, ok := MapPath("sv", tc.path)
		if got != tc.want || ok != tc.ok {
			t.Errorf("MapPath(%q) = %+v, %v; want %+v, %v", tc.path, got, ok, tc.want, tc.ok)
		}
	}
	if _, ok := MapPath("", "sv/data/x"); ok {
		t.Error("an empty prefix matched")
	}
	if r := (Ref{Store: "s", Name: "n"}).Record(); r != "s/n" {
		t.Error(r)
	}
}

// FuzzMapPath: a mapped path is exactly the path its parts make again,
// and its parts hold no slash.
func FuzzMapPath(f *testing.F) {
	for _, p := range []string{"sv/data/stores/a/creds/b", "sv-totp/code/a.b", "auth/userpass/login/x", "sv/metadata/proposals/payout/s/i",
		"sv/data/contacts/phone/+1", "sv/destroy/stores/a/payout", "/sv/undelete/staff/x"} {
		f.Add("sv", p)
	}
	f.Fuzz(func(t *testing.T, prefix, path string) {
		ref, ok := MapPath(prefix, path)
		if !ok {
			if ref != (Ref{}) {
				t.Fatalf("not ours but %+v", ref)
			}
			return
		}
		p := strings.TrimPrefix(path, "/")
		if ref.Kind == "" || strings.Contains(ref.Store, "/") || (ref.Kind != KindPhone && strings.Contains(ref.Name, "/")) {
			t.Fatalf("MapPath(%q, %q) = %+v", prefix, path, ref)
		}
		var again string
		switch ref.Kind {
		case KindCredential:
			again = prefix + "/" + ref.API + "/stores/" + ref.Store + "/creds/" + ref.Name
		case KindPayout:
			again = prefix + "/" + ref.API + "/stores/" + ref.Store + "/payout"
		case KindStore:
			again = prefix + "/" + ref.API + "/stores/" + ref.Store
		case KindPayoutProposal:
			again = prefix + "/" + ref.API + "/proposals/payout/" + ref.Store + "/" + ref.Name
		case KindPayoutDecision:
			again = prefix + "/" + ref.API + "/proposals/payout-decisions/" + ref.Store + "/" + ref.Name
		case KindMailbox:
			again = prefix + "/" + ref.API + "/contacts/email/" + ref.Name
		case KindStaff:
			again = prefix + "/" + ref.API + "/staff/" + ref.Name
		case KindTOTPCode:
			again = prefix + "-totp/code/" + ref.Store + "." + ref.Name
		case KindTOTPKey:
			again = prefix + "-totp/keys/" + ref.Store + "." + ref.Name
		case KindLogin:
			again = UserpassLoginPrefix + ref.Name
		case KindPhone:
			if !strings.HasPrefix(ref.Name, "+") || !strings.HasSuffix(p, strings.TrimPrefix(ref.Name, "+")) {
				t.Fatalf("phone %+v from %q", ref, path)
			}
			return
		case KindOther:
			if !strings.HasPrefix(p, prefix+"/") && !strings.HasPrefix(p, prefix+"-totp/") && !strings.HasPrefix(p, UserpassLoginPrefix) {
				t.Fatalf("other %+v from %q", ref, path)
			}
			return
		default:
			t.Fatalf("kind %q", ref.Kind)
		}
		if again != p {
			t.Fatalf("MapPath(%q, %q) = %+v, which is %q", prefix, path, ref, again)
		}
	})
}
