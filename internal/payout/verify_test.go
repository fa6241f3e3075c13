package payout

import "testing"

func TestMatches(t *testing.T) {
	for _, tc := range []struct {
		field, stored, given string
		want                 bool
	}{
		{"iban", "DE89370400440532013000", "DE89370400440532013000", true},
		{"iban", "DE89370400440532013000", "iban de89 3704 0044 0532 0130 00", true},
		{"iban", "DE89370400440532013000", "DE89-3704-0044-0532-0130-00", true},
		{"iban", "DE89370400440532013000", "DE89 3704 0044 0532 0130 01", false},
		{"iban", "DE89370400440532013000", "DE89 3704 0044 0532 0130 0", false},
		{"iban", "DE89370400440532013000", "DE89 3704 0044 0532 0130 000", false},
		{"iban", "DE89370400440532013000", "", false},
		{"iban", "", "", false},
		{"bic", "COBADEFFXXX", "coba de ff xxx", true},
		{"bic", "COBADEFFXXX", "COBADEFF", false},
		{"routing", "021000021", "021-000-021", true},
		{"routing", "021000021", "021000022", false},
		{"account", "0532013000", "0532 0130 00", true},
		{"account", "0532013000", "532013000", false},
		{"account", "004567890123AB", "0045-6789.0123ab", true},
		{"holder", "Acme GmbH", " Acme GmbH ", true},
		{"holder", "Acme GmbH", "ACME GmbH", false},
		{"country", "DE", "de", true},
		{"currency", "EUR", "eur ", true},
		{"account_type", "checking", "Checking", true},
		{"provider", "wise", "WISE", true},
		{"bank", "Commerzbank", "Commerzbank", true},
		{"IBAN", "DE89370400440532013000", "DE89370400440532013000", false}, // field names are exact
		{"password", "x", "x", false},
	} {
		if got := Matches(tc.field, tc.stored, tc.given); got != tc.want {
			t.Errorf("Matches(%q, %q, %q) = %v, want %v", tc.field, tc.stored, tc.given, got, tc.want)
		}
	}
	// Every field name has a normaliser.
	for _, name := range fieldNames {
		if normalizerOf(name) == nil {
			t.Errorf("no normaliser for %s", name)
		}
	}
}

// Matches normalises like Normalize does, field by field.
func TestMatchesAgreesWithNormalize(t *testing.T) {
	raw := Record{
		Holder: " Acme ", IBAN: "iban de89 3704 0044 0532 0130 00", BIC: "coba deff", Routing: "021 000-021",
		Account: "0532-0130.00", AccountType: "Savings", Bank: " B ", Country: "de", Currency: "eur", Provider: "Wise",
	}
	n := raw.Normalize()
	rawFields, normFields := raw.allFields(), n.allFields()
	for i, f := range normFields {
		if !Matches(f.Name, f.Value, rawFields[i].Value) {
			t.Errorf("Matches(%s, %q, %q) = false", f.Name, f.Value, rawFields[i].Value)
		}
	}
}

func BenchmarkValidateIBAN(b *testing.B) {
	for b.Loop() {
		_ = ValidateIBAN("FR1420041010050500013M02606")
	}
}

func BenchmarkValidateRecord(b *testing.B) {
	for b.Loop() {
		_ = goodIBAN.Normalize().Validate()
	}
}
