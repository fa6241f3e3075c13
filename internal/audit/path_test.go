package audit

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestCleanPath: every way of writing a dot-segment is found and
// resolved as the engine resolves it; paths without any stay as they are.
func TestCleanPath(t *testing.T) {
	const payout = "sv/data/stores/acme-us/payout"
	const creds = "sv/metadata/stores/acme-us/creds/x"
	for _, tc := range []struct {
		path, want string
		dots       Dots
	}{
		// Nothing to clean.
		{"sv/data/stores/acme-us/creds/x", "sv/data/stores/acme-us/creds/x", DotsNone},
		{"/sv/data/stores/acme-us/creds/x", "sv/data/stores/acme-us/creds/x", DotsNone},
		{"sv/metadata/stores/", "sv/metadata/stores/", DotsNone},
		{"sv-totp/code/acme-us.seller-central", "sv-totp/code/acme-us.seller-central", DotsNone},
		{"sv/data/stores/acme.us/creds/x.y", "sv/data/stores/acme.us/creds/x.y", DotsNone}, // dots inside names are names
		{"sv/data/stores/.../creds/x", "sv/data/stores/.../creds/x", DotsNone},
		{"other/data/a", "other/data/a", DotsNone},
		{"sv", "sv", DotsNone},
		{"", "", DotsNone},

		// As Vault logs them: its HTTP layer decoded the URL once.
		{"sv/metadata/_meta/reminders/../../stores/acme-us/creds/x", creds, DotsLogged},
		{"sv/data/_meta/reminders/../../stores/acme-us/payout", payout, DotsLogged},
		{"sv/data/_meta/reminders/./../../stores/./acme-us/payout", payout, DotsLogged},
		{"sv/data/stores/acme-us/creds/..", "sv/data/stores/acme-us", DotsLogged},
		{"sv/data/stores/acme-us/creds/../", "sv/data/stores/acme-us/", DotsLogged},
		{"sv/data/stores/./", "sv/data/stores/", DotsLogged},

		// Encoded: every case and mix of %2e, with %2f for slashes.
		{"sv/data/_meta/reminders/%2e%2e/%2e%2e/stores/acme-us/payout", payout, DotsEncoded},
		{"sv/data/_meta/reminders/%2E%2E/%2E%2E/stores/acme-us/payout", payout, DotsEncoded},
		{"sv/data/_meta/reminders/%2e%2E/%2E%2e/stores/acme-us/payout", payout, DotsEncoded},
		{"sv/data/_meta/reminders/.%2e/%2e./stores/acme-us/payout", payout, DotsEncoded},
		{"sv/data/_meta/reminders/%2e/../%2e./stores/acme-us/payout", payout, DotsLogged},
		{"sv/data/_meta/reminders/..%2f..%2fstores%2facme-us%2fpayout", payout, DotsEncoded},
		{"sv/data/_meta/reminders/%2E%2E%2F%2e%2e%2Fstores/acme-us/payout", payout, DotsEncoded},
		{"sv/data/_meta/reminders/%252e%252e/%252E%252E/stores/acme-us/payout", payout, DotsEncoded}, // encoded twice
		{"sv/data/_meta/reminders/%25252e%25252e/%2e%2e/stores/acme-us/payout", payout, DotsEncoded}, // three times
		{"sv/data/stores/acme%2dus/payout", payout, DotsNone},                                        // decoded, no dots
		{"sv/data/stores/acme-us/payout%zz", "sv/data/stores/acme-us/payout%zz", DotsNone},           // no escape: stays
		{"sv/data/stores/acme-us/payout%2", "sv/data/stores/acme-us/payout%2", DotsNone},

		// Empty segments go, as in the engine.
		{"sv/data/stores//acme-us/payout", payout, DotsNone},
		{"sv/data//stores/acme-us/payout", payout, DotsNone},

		// In a KV mount the API segment stays; ".." above the mount's
		// root stays at the start of the key, where the engine keeps it.
		{"sv/metadata/_meta/../../data/stores/acme-us/payout", "sv/metadata/../data/stores/acme-us/payout", DotsLogged},
		{"sv/data/../metadata/stores/acme-us/payout", "sv/data/../metadata/stores/acme-us/payout", DotsLogged},
		{"sv/%2e%2e/sv/data/x", "sv/../sv/data/x", DotsEncoded},
		{"sv-proposals/data/payout/%2e%2e/%2e%2e/x", "sv-proposals/data/../x", DotsEncoded},
		{"sv-reminders/metadata/email/../../../x", "sv-reminders/metadata/../../x", DotsLogged},

		// Elsewhere the path is cleaned within its mount and never leaves it.
		{"sv-totp/code/../keys/acme-us.x", "sv-totp/keys/acme-us.x", DotsLogged},
		{"sv-totp/../sv/data/stores/acme-us/payout", "sv-totp/sv/data/stores/acme-us/payout", DotsLogged},
		{"sv-transit/hmac/%2e%2e/keys/sv-redact", "sv-transit/keys/sv-redact", DotsEncoded},
		{"auth/userpass/login/../../approle/login", "auth/userpass/approle/login", DotsLogged},
		{"sys/wrapping/./unwrap", "sys/wrapping/unwrap", DotsLogged},
		{"other/a/%2e%2e/%2e%2e/%2e%2e/b", "other/b", DotsEncoded},
	} {
		got, dots := CleanPath("sv", tc.path)
		if got != tc.want || dots != tc.dots {
			t.Errorf("CleanPath(%q) = %q, %d; want %q, %d", tc.path, got, dots, tc.want, tc.dots)
		}
	}
}

func TestMapPath(t *testing.T) {
	rec := func(kind, api string) Ref { return Ref{Kind: kind, Mount: MountRecords, API: api} }
	with := func(r Ref, store, name string) Ref { r.Store, r.Name = store, name; return r }
	for _, tc := range []struct {
		path string
		want Ref
		ok   bool
	}{
		{"sv/data/stores/acme-us/creds/seller-central", with(rec(KindCredential, APIData), "acme-us", "seller-central"), true},
		{"/sv/data/stores/acme-us/creds/seller-central", with(rec(KindCredential, APIData), "acme-us", "seller-central"), true},
		{"sv/metadata/stores/acme-us/creds/seller-central", with(rec(KindCredential, APIMetadata), "acme-us", "seller-central"), true},
		{"sv/metadata/stores/acme-us/creds/", rec(KindOther, APIMetadata), true},
		{"sv/data/stores/acme-us/creds/a/b", rec(KindOther, APIData), true},
		{"sv/data/stores/acme-us/payout", with(rec(KindPayout, APIData), "acme-us", ""), true},
		{"sv/delete/stores/acme-us/payout", with(rec(KindPayout, APIDelete), "acme-us", ""), true},
		{"sv/data/stores/acme-us", with(rec(KindStore, APIData), "acme-us", ""), true},
		{"sv/data/contacts/email/ops@acme.example", with(rec(KindMailbox, APIData), "", "ops@acme.example"), true},
		{"sv/data/contacts/phone/14155550100", with(rec(KindPhone, APIData), "", "+14155550100"), true},
		{"sv/data/decisions/payout/acme-us/X", with(rec(KindPayoutDecision, APIData), "acme-us", "X"), true},
		{"sv/data/staff/olga", with(rec(KindStaff, APIData), "", "olga"), true},
		{"sv/metadata/incidents/acme-us", with(rec(KindIncident, APIMetadata), "acme-us", ""), true},
		{"sv/data/_meta/settings", with(rec(KindMeta, APIData), "", "settings"), true},
		{"sv/data/_meta/redact/3", with(rec(KindMeta, APIData), "", "redact/3"), true},
		{"sv/data/_meta", rec(KindOther, APIData), true},
		{"sv/config", Ref{Kind: KindOther, Mount: MountRecords}, true},
		{"sv/data//stores", rec(KindOther, APIData), true},
		// The layout before the mounts of their own.
		{"sv/data/proposals/payout/acme-us/20260101-000000-abcdef", with(rec(KindPayoutProposal, APIData), "acme-us", "20260101-000000-abcdef"), true},
		{"sv/data/proposals/payout-decisions/acme-us/X", with(rec(KindPayoutDecision, APIData), "acme-us", "X"), true},
		{"sv/data/verifications/payout/acme-us", with(rec(KindVerification, APIData), "acme-us", ""), true},
		{"sv/metadata/_meta/reminders/email/olga", with(rec(KindReminder, APIMetadata), "", "email/olga"), true},
		// The mounts of their own.
		{"sv-proposals/data/payout/acme-us/ID", Ref{Kind: KindPayoutProposal, Mount: MountProposals, API: APIData, Store: "acme-us", Name: "ID"}, true},
		{"sv-proposals/metadata/payout/acme-us/", Ref{Kind: KindOther, Mount: MountProposals, API: APIMetadata}, true},
		{"sv-proposals/data/stores/acme-us/payout", Ref{Kind: KindOther, Mount: MountProposals, API: APIData}, true},
		{"sv-verifications/data/payout/acme-us", Ref{Kind: KindVerification, Mount: MountVerifications, API: APIData, Store: "acme-us"}, true},
		{"sv-verifications/config", Ref{Kind: KindOther, Mount: MountVerifications}, true},
		{"sv-reminders/metadata/email/olga", Ref{Kind: KindReminder, Mount: MountReminders, API: APIMetadata, Name: "email/olga"}, true},
		{"sv-reminders/metadata/email", Ref{Kind: KindOther, Mount: MountReminders, API: APIMetadata}, true},
		{"sv-totp/code/acme-us.seller-central", Ref{Kind: KindTOTPCode, Mount: MountTOTP, Store: "acme-us", Name: "seller-central"}, true},
		{"sv-totp/keys/acme-us.seller-central.staged", Ref{Kind: KindTOTPKey, Mount: MountTOTP, Store: "acme-us", Name: "seller-central.staged"}, true},
		{"sv-totp/keys", Ref{Kind: KindOther, Mount: MountTOTP}, true},
		{"sv-totp/code/nodot", Ref{Kind: KindOther, Mount: MountTOTP}, true},
		{"sv-transit/hmac/sv-redact", Ref{Kind: KindTransitHMAC, Mount: MountTransit, Name: "sv-redact"}, true},
		{"sv-transit/hmac/person-e1/sha2-256", Ref{Kind: KindTransitHMAC, Mount: MountTransit, Name: "person-e1"}, true},
		{"sv-transit/verify/person-e1", Ref{Kind: KindOther, Mount: MountTransit}, true},
		{"sv-transit/hmac/a/b/c", Ref{Kind: KindOther, Mount: MountTransit}, true},
		{"auth/userpass/login/olga", Ref{Kind: KindLogin, Mount: MountUserpass, Name: "olga"}, true},
		{"auth/userpass/login/", Ref{Kind: KindOther, Mount: MountUserpass}, true},
		{"sys/wrapping/unwrap", Ref{Kind: KindUnwrap, Mount: MountWrapping}, true},
		{"sys/wrapping/wrap", Ref{Kind: KindWrap, Mount: MountWrapping}, true},
		{"sys/wrapping/rewrap", Ref{Kind: KindWrap, Mount: MountWrapping}, true},

		// Traversals map to what they reached.
		{"sv/data/_meta/reminders/%2e%2e/%2e%2e/stores/acme-us/payout", with(rec(KindPayout, APIData), "acme-us", ""), true},
		{"sv/metadata/_meta/reminders/../../stores/acme-us/creds/x", with(rec(KindCredential, APIMetadata), "acme-us", "x"), true},
		{"sv/data/staff/olga/..%2f..%2fincidents/acme-us", with(rec(KindIncident, APIData), "acme-us", ""), true},
		{"sv/data/x/../../metadata/stores/acme-us/payout", rec(KindOther, APIData), true}, // the API stays data

		{"sys/wrapping/lookup", Ref{}, false},
		{"sv2/data/stores/a/creds/b", Ref{}, false},
		{"sv-other/data/stores/a/creds/b", Ref{}, false},
		{"other/data/stores/a/creds/b", Ref{}, false},
		{"sys/leases/revoke-prefix/auth/userpass/login/tom", Ref{}, false},
		{"sv", Ref{}, false},
		{"sv-totp", Ref{}, false},
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

// refDecode is an independent percent-decoder for the fuzz target: a
// regular expression applied until nothing changes.
var escape = regexp.MustCompile(`%[0-9a-fA-F]{2}`)

func refDecode(s string, rounds int) (string, bool) {
	for i := 0; i < rounds; i++ {
		d := escape.ReplaceAllStringFunc(s, func(m string) string {
			b, _ := strconv.ParseUint(m[1:], 16, 8)
			return string([]byte{byte(b)})
		})
		if d == s {
			return s, true
		}
		s = d
	}
	return s, !escape.MatchString(s)
}

func segments(p string) []string { return strings.Split(p, "/") }

// FuzzCleanPath: a cleaned path keeps its mount, holds no "." segment,
// no empty one but a trailing one, ".." only where the KV engine keeps
// it, and cleans to itself; dot-segments are reported exactly when the
// decoded path has them, and a path with nothing to clean is left alone.
func FuzzCleanPath(f *testing.F) {
	for _, p := range []string{"sv/data/_meta/reminders/%2e%2e/%2e%2e/stores/acme-us/payout", "sv/metadata/a/../../x",
		"sv-totp/code/../keys/a.b", "sv/data/.%2e/%2E./x", "sv/data/%252e%252e/x", "sv/data/a//b/", "auth/userpass/login/%2e",
		"sys/wrapping/unwrap", "/sv-proposals/data/payout/a/b", "sv/data/..%2f..%2fx", "sv-transit/hmac/k", "x%2f..%2f..", "sv/%2e"} {
		f.Add("sv", p)
	}
	f.Fuzz(func(t *testing.T, prefix, p string) {
		got, dots := CleanPath(prefix, p)
		trimmed := strings.TrimLeft(p, "/")
		mount, rest, kv := splitMount(prefix, trimmed)
		if !strings.HasPrefix(got, mount) {
			t.Fatalf("CleanPath(%q, %q) = %q: lost the mount %q", prefix, p, got, mount)
		}
		dec, complete := refDecode(rest, maxDecodeRounds)
		if complete {
			if want := hasDotSegment(dec); (dots != DotsNone) != want {
				t.Fatalf("CleanPath(%q, %q): dots %d; the decoded path %q has dot-segments: %v", prefix, p, dots, dec, want)
			}
			if dots == DotsLogged != hasDotSegment(rest) {
				t.Fatalf("CleanPath(%q, %q): dots %d, but the logged path's dot-segments: %v", prefix, p, dots, hasDotSegment(rest))
			}
		}
		if !strings.Contains(rest, "%") && !hasDotSegment(rest) && !hasEmptyInside(rest) && got != trimmed {
			t.Fatalf("CleanPath(%q, %q) = %q: nothing to clean, yet changed", prefix, p, got)
		}
		segs := segments(got[len(mount):])
		if kv && len(segs) > 0 {
			segs = segs[1:] // the API segment stays as it was
			for len(segs) > 0 && segs[0] == ".." {
				segs = segs[1:] // above the mount's root: the engine keeps them
			}
		}
		for i, s := range segs {
			if s == "." || s == ".." || s == "" && i != len(segs)-1 {
				t.Fatalf("CleanPath(%q, %q) = %q: segment %q left", prefix, p, got, s)
			}
		}
		if again, _ := CleanPath(prefix, got); complete && !escape.MatchString(got) && again != got {
			t.Fatalf("CleanPath(%q, %q) = %q, which cleans to %q", prefix, p, got, again)
		}
	})
}

// FuzzMapPath: a mapped path is exactly the cleaned path its parts make
// again, and its parts hold no slash (but a reminder's CHANNEL/PERSON and
// a _meta key).
func FuzzMapPath(f *testing.F) {
	for _, p := range []string{"sv/data/stores/a/creds/b", "sv-totp/code/a.b", "auth/userpass/login/x", "sv/metadata/proposals/payout/s/i",
		"sv/data/contacts/phone/+1", "sv/destroy/stores/a/payout", "/sv/undelete/staff/x", "sv-proposals/data/payout/s/i",
		"sv-reminders/metadata/email/x", "sv-verifications/data/payout/s", "sv/data/_meta/redact/1", "sv-transit/hmac/k/sha2-256",
		"sv/data/_meta/reminders/%2e%2e/%2e%2e/stores/a/payout", "sys/wrapping/unwrap", "sv/data/incidents/s"} {
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
		p, _ := CleanPath(prefix, path)
		if ref.Kind == "" || ref.Mount == "" || strings.Contains(ref.Store, "/") ||
			(ref.Kind != KindPhone && ref.Kind != KindReminder && ref.Kind != KindMeta && strings.Contains(ref.Name, "/")) {
			t.Fatalf("MapPath(%q, %q) = %+v", prefix, path, ref)
		}
		kv := map[string]string{MountRecords: "/", MountProposals: "-proposals/", MountVerifications: "-verifications/",
			MountReminders: "-reminders/"}
		base := prefix + kv[ref.Mount] + ref.API + "/"
		var again string
		switch ref.Kind {
		case KindCredential:
			again = base + "stores/" + ref.Store + "/creds/" + ref.Name
		case KindPayout:
			again = base + "stores/" + ref.Store + "/payout"
		case KindStore:
			again = base + "stores/" + ref.Store
		case KindPayoutProposal:
			again = base + "payout/" + ref.Store + "/" + ref.Name
			if ref.Mount == MountRecords {
				again = base + "proposals/payout/" + ref.Store + "/" + ref.Name
			}
		case KindPayoutDecision:
			again = base + "decisions/payout/" + ref.Store + "/" + ref.Name
			if p != again {
				again = base + "proposals/payout-decisions/" + ref.Store + "/" + ref.Name
			}
		case KindVerification:
			again = base + "payout/" + ref.Store
			if ref.Mount == MountRecords {
				again = base + "verifications/payout/" + ref.Store
			}
		case KindReminder:
			again = base + ref.Name
			if ref.Mount == MountRecords {
				again = base + "_meta/reminders/" + ref.Name
			}
		case KindMeta:
			again = base + "_meta/" + ref.Name
		case KindMailbox:
			again = base + "contacts/email/" + ref.Name
		case KindStaff:
			again = base + "staff/" + ref.Name
		case KindIncident:
			again = base + "incidents/" + ref.Store
		case KindTOTPCode:
			again = prefix + "-totp/code/" + ref.Store + "." + ref.Name
		case KindTOTPKey:
			again = prefix + "-totp/keys/" + ref.Store + "." + ref.Name
		case KindTransitHMAC:
			again = prefix + "-transit/hmac/" + ref.Name
			if strings.HasPrefix(p, again+"/") {
				again = p // an algorithm follows
			}
		case KindLogin:
			again = UserpassLoginPrefix + ref.Name
		case KindUnwrap:
			again = WrappingPrefix + "unwrap"
		case KindWrap:
			if p != WrappingPrefix+"wrap" && p != WrappingPrefix+"rewrap" {
				t.Fatalf("wrap from %q", path)
			}
			return
		case KindPhone:
			if !strings.HasPrefix(ref.Name, "+") || !strings.HasSuffix(p, strings.TrimPrefix(ref.Name, "+")) {
				t.Fatalf("phone %+v from %q", ref, path)
			}
			return
		case KindOther:
			if !strings.HasPrefix(p, prefix+"/") && !strings.HasPrefix(p, prefix+"-") && !strings.HasPrefix(p, "auth/userpass/") {
				t.Fatalf("other %+v from %q", ref, path)
			}
			return
		default:
			t.Fatalf("kind %q", ref.Kind)
		}
		if again != p {
			t.Fatalf("MapPath(%q, %q) = %+v, which is %q, not %q", prefix, path, ref, again, p)
		}
	})
}
