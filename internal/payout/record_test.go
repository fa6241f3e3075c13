package payout

import (
	"strings"
	"testing"
)

// Good records of each scheme.
var (
	goodIBAN = Record{
		Holder: "Acme Trading GmbH", IBAN: "DE89370400440532013000", BIC: "COBADEFFXXX",
		Bank: "Commerzbank", Country: "DE", Currency: "EUR", Provider: "payoneer",
	}
	goodABA = Record{
		Holder: "Acme Inc.", Routing: "021000021", Account: "0532013000", AccountType: "checking",
		Bank: "JPMorgan Chase", Country: "US", Currency: "USD",
	}
	goodSWIFT = Record{
		Holder: "Acme HK Ltd", BIC: "HSBCHKHHHKH", Account: "004567890123",
		Bank: "HSBC Hong Kong", Country: "HK", Currency: "HKD", Provider: "other",
	}
)

func TestNormalize(t *testing.T) {
	got := Record{
		Holder:      "  Acme Trading GmbH \n",
		IBAN:        "iban de89 3704 0044 0532 0130 00",
		BIC:         " coba de ff xxx ",
		Routing:     " 021-000 021 ",
		Account:     " 0532-0130.00 ",
		AccountType: " Checking ",
		Bank:        " Commerzbank ",
		Country:     " de ",
		Currency:    "eur ",
		Provider:    " PayOneer",
	}.Normalize()
	want := Record{
		Holder: "Acme Trading GmbH", IBAN: "DE89370400440532013000", BIC: "COBADEFFXXX",
		Routing: "021000021", Account: "0532013000", AccountType: "checking",
		Bank: "Commerzbank", Country: "DE", Currency: "EUR", Provider: "payoneer",
	}
	if got != want {
		t.Errorf("Normalize =\n%+v\nwant\n%+v", got, want)
	}
	if again := got.Normalize(); again != got {
		t.Errorf("Normalize is not idempotent: %+v", again)
	}

	// The country comes from the IBAN when it is empty, and only then.
	if r := (Record{IBAN: "gb29 nwbk 6016 1331 9268 19"}).Normalize(); r.Country != "GB" {
		t.Errorf("country from IBAN = %q, want GB", r.Country)
	}
	if r := (Record{IBAN: "GB29NWBK60161331926819", Country: "je"}).Normalize(); r.Country != "JE" {
		t.Errorf("country = %q, want JE kept", r.Country)
	}
	if r := (Record{IBAN: "12"}).Normalize(); r.Country != "" {
		t.Errorf("country from IBAN 12 = %q, want none", r.Country)
	}
	// Look-alike letters are not folded into ASCII.
	if r := (Record{Provider: "WİSE", Country: "ｄｅ"}).Normalize(); r.Provider != "wİse" || r.Country != "ｄｅ" {
		t.Errorf("non-ASCII case folding: %+v", r)
	}
}

func TestScheme(t *testing.T) {
	for _, tc := range []struct {
		r    Record
		want string
	}{
		{goodIBAN, SchemeIBAN},
		{goodABA, SchemeABA},
		{goodSWIFT, SchemeSWIFT},
		{Record{IBAN: "X", Routing: "Y"}, SchemeIBAN},
		{Record{Routing: "Y", BIC: "B", Account: "A"}, SchemeABA},
		{Record{BIC: "B"}, ""},
		{Record{Account: "A"}, ""},
		{Record{Holder: "H"}, ""},
	} {
		if got := tc.r.Scheme(); got != tc.want {
			t.Errorf("%+v.Scheme() = %q, want %q", tc.r, got, tc.want)
		}
	}
}

func TestValidateGood(t *testing.T) {
	for _, r := range []Record{
		goodIBAN, goodABA, goodSWIFT,
		{Holder: "A", IBAN: "GB29NWBK60161331926819"},                                 // IBAN alone: BIC, country … optional
		{Holder: "A", IBAN: "FR1420041010050500013M02606", Country: "GP"},             // Guadeloupe has FR IBANs
		{Holder: "A", IBAN: "GB29NWBK60161331926819", Country: "JE", BIC: "NWBKJESX"}, // Jersey has GB IBANs
		{Holder: "A", IBAN: "XK051212012345678906", Country: "XK"},                    // Kosovo
		{Holder: "A", Routing: "021502011", Account: "1234", AccountType: "savings", Country: "PR", BIC: "BPPRPRSX"},
		{Holder: "A", Routing: "026009593", Account: "12345678901234567", AccountType: "checking", BIC: "BOFAUS3N"},
		{Holder: "A", BIC: "BKCHCNBJ", Account: "1", Country: "CN", Currency: "CNY", Provider: "lianlian"},
		{Holder: strings.Repeat("é", 140), IBAN: "DE89370400440532013000", Bank: strings.Repeat("b", 140)},
		{Holder: "李小龙 Trading (深圳) 有限公司", IBAN: "DE89370400440532013000", Provider: "pingpong"},
	} {
		if err := r.Validate(); err != nil {
			t.Errorf("%+v.Validate() = %v", r, err)
		}
		if n := r.Normalize(); n != r && !(r.Country == "" && n.Country == r.IBAN[:2]) {
			t.Errorf("good record %+v is not normalised", r)
		}
	}
}

func TestValidateBad(t *testing.T) {
	with := func(r Record, f func(*Record)) Record { f(&r); return r }
	for _, tc := range []struct {
		name   string
		r      Record
		errHas []string
	}{
		{"missing holder", with(goodIBAN, func(r *Record) { r.Holder = "" }),
			[]string{"holder is empty; give the account holder's name"}},
		{"holder with a newline", with(goodIBAN, func(r *Record) { r.Holder = "Acme\nGmbH" }),
			[]string{"holder has a control or invisible formatting character (U+000A) at character 5"}},
		{"holder with a bidi override", with(goodIBAN, func(r *Record) { r.Holder = "Acme \u202eHbmG" }),
			[]string{"holder has a control or invisible formatting character (U+202E)"}},
		{"holder too long", with(goodIBAN, func(r *Record) { r.Holder = strings.Repeat("a", 141) }),
			[]string{"holder is 141 characters long; use at most 140"}},
		{"holder not UTF-8", with(goodIBAN, func(r *Record) { r.Holder = "Acme \xff" }),
			[]string{"holder has bytes that are not UTF-8"}},
		{"no account at all", Record{Holder: "A"},
			[]string{"iban, routing and account are empty; give an IBAN"}},
		{"BIC without account", Record{Holder: "A", BIC: "DEUTDEFF"},
			[]string{"account is empty; with a BIC give the local account number"}},
		{"account without routing or BIC", Record{Holder: "A", Account: "0532013000"},
			[]string{"account ****3000 has no routing number or BIC"}},
		{"IBAN and routing", with(goodIBAN, func(r *Record) { r.Routing = "021000021" }),
			[]string{"iban and routing are both set; a payout record has one scheme"}},
		{"IBAN and account", with(goodIBAN, func(r *Record) { r.Account = "0532013000" }),
			[]string{"iban and account are both set; the IBAN holds the account number"}},
		{"IBAN, routing, account and type", Record{Holder: "A", IBAN: "DE89370400440532013000", Routing: "021000021", Account: "1234", AccountType: "checking"},
			[]string{"iban and routing are both set", "account_type is only for US accounts"}},
		{"IBAN country is not Country", with(goodIBAN, func(r *Record) { r.Country = "FR" }),
			[]string{"country FR does not match the iban's country DE; check both"}},
		{"IBAN of DE, BIC of HK", with(goodIBAN, func(r *Record) { r.BIC = "HSBCHKHH" }),
			[]string{"bic HSBCHKHH is of a bank in HK, but the iban is of DE; check both (the bic may be left empty)"}},
		{"IBAN of GB, country GP", Record{Holder: "A", IBAN: "GB29NWBK60161331926819", Country: "GP"},
			[]string{"country GP does not match the iban's country GB"}},
		{"bad IBAN", with(goodIBAN, func(r *Record) { r.IBAN = "DE88370400440532013000" }),
			[]string{"iban DE88 **** **** **** **30 00 fails the check-digit test"}},
		{"bad IBAN and bad BIC and bad currency: all reported", with(goodIBAN, func(r *Record) {
			r.IBAN, r.BIC, r.Currency, r.Provider = "DE8837040044053201300", "DEUTDEF0", "EURO", "paypal"
		}), []string{"iban DE88", "has 21 characters", "bic \"DEUTDEF0\" is a test BIC", "currency \"EURO\" is not a three-letter code", `provider "paypal" is not known; use one of payoneer, pingpong, lianlian, worldfirst, airwallex, wise, other`}},
		{"country not ISO", with(goodIBAN, func(r *Record) { r.Country = "XX" }),
			[]string{`country "XX" is not an ISO 3166 country code`}},
		{"country lower case", with(goodIBAN, func(r *Record) { r.Country = "de" }),
			[]string{`country "de" is not an ISO 3166 country code`}},
		{"ABA without account and type", Record{Holder: "A", Routing: "021000021"},
			[]string{"account is empty; give the US account number (4 to 17 digits)", "account_type is empty; a US account is checking or savings"}},
		{"ABA bad routing", with(goodABA, func(r *Record) { r.Routing = "021000022" }),
			[]string{`routing "021000022" fails the ABA checksum`}},
		{"ABA account too short", with(goodABA, func(r *Record) { r.Account = "123" }),
			[]string{"account **** has 3 digits; a US account number has 4 to 17"}},
		{"ABA account too long", with(goodABA, func(r *Record) { r.Account = "123456789012345678" }),
			[]string{"account ****5678 has 18 digits"}},
		{"ABA account with a letter", with(goodABA, func(r *Record) { r.Account = "05320130A0" }),
			[]string{"account ****30A0 has a letter at position 9; a US account number has only digits"}},
		{"ABA account type", with(goodABA, func(r *Record) { r.AccountType = "business" }),
			[]string{`account_type "business" is not known; use checking or savings`}},
		{"ABA in Germany", with(goodABA, func(r *Record) { r.Country = "DE" }),
			[]string{"country DE does not go with a routing number"}},
		{"ABA with a German BIC", with(goodABA, func(r *Record) { r.BIC = "DEUTDEFF" }),
			[]string{"bic DEUTDEFF is of a bank in DE, but a routing number is for a US bank"}},
		{"account type on IBAN", with(goodIBAN, func(r *Record) { r.AccountType = "checking" }),
			[]string{"account_type is only for US accounts with a routing number; leave it empty"}},
		{"SWIFT for an IBAN country", Record{Holder: "A", BIC: "DEUTDEFF", Account: "0532013000"},
			[]string{"account ****3000 is a local account number, but banks in DE (bic DEUTDEFF) use IBANs; give the IBAN instead"}},
		{"SWIFT for a territory with IBANs", Record{Holder: "A", BIC: "BNPAGPGP", Account: "0532013000"},
			[]string{"banks in GP (bic BNPAGPGP) use IBANs"}},
		{"SWIFT account with a space", with(goodSWIFT, func(r *Record) { r.Account = "0045 67890123" }),
			[]string{"account ****0123 has a space"}},
		{"SWIFT account too long", with(goodSWIFT, func(r *Record) { r.Account = strings.Repeat("1", 35) }),
			[]string{"account ****1111 has 35 characters; an account number has at most 34"}},
		{"currency withdrawn", with(goodIBAN, func(r *Record) { r.Currency = "HRK" }),
			[]string{"currency HRK was withdrawn; use EUR"}},
		{"currency unknown", with(goodIBAN, func(r *Record) { r.Currency = "ABC" }),
			[]string{"currency ABC is not an active ISO 4217 code"}},
		{"currency gold", with(goodIBAN, func(r *Record) { r.Currency = "XAU" }),
			[]string{"currency XAU is a precious metal, not a currency a bank account is held in"}},
		{"bank with a control character", with(goodIBAN, func(r *Record) { r.Bank = "Bank\x1b[31m" }),
			[]string{"bank has a control or invisible formatting character (U+001B)"}},
	} {
		checkJoined(t, tc.name, tc.r.Validate(), tc.errHas...)
	}
}

// Errors of Validate never hold the IBAN or account number in clear,
// whatever is wrong with them.
func TestValidateErrorsHideNumbers(t *testing.T) {
	const iban, account = "DE89370400440532013000", "98765432109876"
	for _, r := range []Record{
		{IBAN: iban, Country: "FR", Routing: "1", Account: account, AccountType: "x"},
		{IBAN: iban[:21], BIC: "DEUTDEFF"},
		{IBAN: "DE88" + iban[4:]},
		{Account: account},
		{Account: account, BIC: "DEUTDEFF"},
		{Account: account + "A", Routing: "021000021"},
		{Account: account + strings.Repeat("9", 30), BIC: "HSBCHKHH"},
		{Account: account + " ", BIC: "HSBCHKHH"},
	} {
		err := r.Validate()
		if err == nil {
			t.Fatalf("%+v validated", r)
		}
		for _, secret := range []string{iban, iban[:21], iban[4:], account, account[2:]} {
			if strings.Contains(err.Error(), secret) {
				t.Errorf("error of %+v shows %q: %q", r, secret, err)
			}
		}
	}
}

func TestFieldsAndMasked(t *testing.T) {
	names := func(fs []Field) string {
		var b []string
		for _, f := range fs {
			b = append(b, f.Name)
		}
		return strings.Join(b, " ")
	}
	if got := names(goodIBAN.Fields()); got != "holder iban bic bank country currency provider" {
		t.Errorf("IBAN fields = %s", got)
	}
	if got := names(goodABA.Fields()); got != "holder routing account account_type bank country currency" {
		t.Errorf("ABA fields = %s", got)
	}
	if got := names(goodSWIFT.Fields()); got != "holder bic account bank country currency provider" {
		t.Errorf("SWIFT fields = %s", got)
	}
	for _, r := range []Record{goodIBAN, goodABA, goodSWIFT} {
		fields, masked := r.Fields(), r.Masked()
		if len(fields) != len(masked) {
			t.Fatalf("Masked has %d fields, Fields %d", len(masked), len(fields))
		}
		for i, f := range fields {
			m := masked[i]
			if f.Name != m.Name || f.Sensitive != m.Sensitive {
				t.Errorf("field %d: %+v vs %+v", i, f, m)
			}
			if f.Sensitive != (f.Name == "iban" || f.Name == "account") {
				t.Errorf("field %s: Sensitive = %v", f.Name, f.Sensitive)
			}
			if f.Sensitive == (f.Value == m.Value) {
				t.Errorf("field %s: %q shows as %q", f.Name, f.Value, m.Value)
			}
		}
	}
	m := goodIBAN.Masked()
	if m[1].Value != "DE89 **** **** **** **30 00" {
		t.Errorf("masked IBAN = %q", m[1].Value)
	}
	if m := goodABA.Masked(); m[2].Value != "****3000" || m[1].Value != "021000021" {
		t.Errorf("masked ABA = %+v", m)
	}
	if got := (Record{}).Fields(); len(got) != 0 {
		t.Errorf("empty record has fields %+v", got)
	}
	// A value with control characters shows quoted, on one line.
	if m := (Record{Holder: "A\nB"}).Masked(); m[0].Value != `"A\nB"` {
		t.Errorf("masked holder = %q", m[0].Value)
	}
}

func FuzzNormalize(f *testing.F) {
	f.Add("Acme GmbH", "iban de89 3704 0044 0532 0130 00", "coba deff", "", "", "", "Commerzbank", "", "eur", "Wise")
	f.Add("Acme", "", "", "021-000-021", "0532 0130 00", "Checking", "", " us", "usd", "")
	f.Add("Acme", "", "HSBCHKHH", "", "0045-678.90", "", "", "hk", "", "other")
	f.Add("", "IBANIBAN:\u00a0X", "\xff", "\u200b", "ı", "İ", "\n", "ｄｅ", "ſ", "\x00")
	f.Fuzz(func(t *testing.T, holder, iban, bic, routing, account, accountType, bank, country, currency, provider string) {
		r := Record{holder, iban, bic, routing, account, accountType, bank, country, currency, provider}
		n := r.Normalize()
		if again := n.Normalize(); again != n {
			t.Fatalf("Normalize is not idempotent:\n%+v\n%+v\n%+v", r, n, again)
		}
		err := n.Validate()
		if err != nil {
			checkJoined(t, "Validate", err)
			for _, secret := range []string{n.IBAN, n.Account} {
				if len(secret) >= 12 && strings.Trim(secret, digitsAndUpper) == "" && strings.Contains(err.Error(), secret) {
					t.Fatalf("error shows %q: %q", secret, err)
				}
			}
			return
		}
		if n.Holder == "" || n.Scheme() == "" {
			t.Fatalf("validated a record without holder or scheme: %+v", n)
		}
		if n.IBAN != "" && ValidateIBAN(n.IBAN) != nil || n.BIC != "" && ValidateBIC(n.BIC) != nil || n.Routing != "" && ValidateABA(n.Routing) != nil {
			t.Fatalf("validated a record with a bad number: %+v", n)
		}
		for _, line := range Diff(Record{}, n) {
			for _, secret := range []string{n.IBAN, n.Account} {
				if len(secret) >= 8 && strings.Contains(line, secret) {
					t.Fatalf("diff line %q shows %q", line, secret)
				}
			}
		}
	})
}
