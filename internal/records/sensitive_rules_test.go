package records

import (
	"reflect"
	"testing"
)

func TestSensitiveIndexKind(t *testing.T) {
	for _, tc := range []struct {
		in   Sensitive
		want string
	}{
		{Sensitive{RedactLogin, "ops@acme.example"}, RedactEmail},
		{Sensitive{RedactLogin, "acme-ops"}, RedactLogin},
		{Sensitive{RedactLogin, "not an @address"}, RedactLogin},
		{Sensitive{RedactPassword, "ops@acme.example"}, RedactPassword}, // only logins become e-mails
		{Sensitive{RedactIBAN, "DE89370400440532013000"}, RedactIBAN},
	} {
		if got := tc.in.IndexKind(); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestPayoutSensitive(t *testing.T) {
	got := PayoutSensitive("DE89370400440532013000", "", "021000021")
	want := []Sensitive{{RedactIBAN, "DE89370400440532013000"}, {RedactRouting, "021000021"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if got := PayoutSensitive("", "", ""); got != nil {
		t.Errorf("no numbers: %+v", got)
	}
}
