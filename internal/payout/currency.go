package payout

import (
	"strings"
	"sync"
)

// currencyCodes is ISO 4217 list one, the active currency and funds
// codes, as maintained by SIX Group for ISO, after the amendments to 2025:
// it has XCG (Caribbean guilder, which replaced ANG in 2025) and ZWG
// (Zimbabwe Gold, which replaced ZWL in 2024); HRK (Croatia, euro since
// 2023), BGN (Bulgaria, euro since 2026), CUC, SLL and ZWL are gone.
const currencyCodes = " " +
	"AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BHD BIF BMD BND BOB BOV BRL BSD " +
	"BTN BWP BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUP CVE CZK DJF DKK " +
	"DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF " +
	"IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP " +
	"LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD " +
	"NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD " +
	"SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD " +
	"TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES VND VUV WST XAF XAG XAU XBA XBB " +
	"XBC XBD XCD XCG XDR XOF XPD XPF XPT XSU XTS XUA XXX YER ZAR ZMW ZWG "

// notPayable are the codes of list one that no bank account is held in,
// with what they are. It and withdrawnCurrencies are built on first use.
var notPayable = sync.OnceValue(func() map[string]string {
	return map[string]string{
		"BOV": "a funds code", "CHE": "a funds code", "CHW": "a funds code", "CLF": "a funds code",
		"COU": "a funds code", "MXV": "a funds code", "USN": "a funds code", "UYI": "a funds code",
		"UYW": "a funds code",
		"XAG": "a precious metal", "XAU": "a precious metal", "XPD": "a precious metal", "XPT": "a precious metal",
		"XBA": "a bond market unit", "XBB": "a bond market unit", "XBC": "a bond market unit", "XBD": "a bond market unit",
		"XDR": "a unit of account", "XSU": "a unit of account", "XUA": "a unit of account",
		"XTS": "the testing code", "XXX": "the code for no currency",
	}
})

// withdrawnCurrencies maps codes withdrawn in recent years to what
// replaced them, for a helpful error.
var withdrawnCurrencies = sync.OnceValue(func() map[string]string {
	return map[string]string{
		"ANG": "XCG", "BGN": "EUR", "CUC": "CUP", "HRK": "EUR", "LTL": "EUR", "LVL": "EUR", "EEK": "EUR",
		"SKK": "EUR", "SLL": "SLE", "ZWL": "ZWG", "VEF": "VES", "MRO": "MRU", "STD": "STN", "BYR": "BYN",
	}
})

// validateCurrency checks a normalised currency code: an active ISO 4217
// code that bank accounts are held in.
func validateCurrency(s string) error {
	const fix = "use the three-letter ISO 4217 code of the account's currency, like EUR, USD or GBP"
	if len(s) != 3 || !isUpper(s[0]) || !isUpper(s[1]) || !isUpper(s[2]) {
		return invalidf("currency %s is not a three-letter code; %s", quoteInput(s), fix)
	}
	if !containsWord(currencyCodes, s) {
		if now, ok := withdrawnCurrencies()[s]; ok {
			return invalidf("currency %s was withdrawn; use %s", s, now)
		}
		return invalidf("currency %s is not an active ISO 4217 code; %s", s, fix)
	}
	if what, ok := notPayable()[s]; ok {
		return invalidf("currency %s is %s, not a currency a bank account is held in; %s", s, what, fix)
	}
	return nil
}

// containsWord reports whether list, space-separated with a space at
// each end, holds w as a whole word.
func containsWord(list, w string) bool {
	return w != "" && !strings.ContainsRune(w, ' ') && strings.Contains(list, " "+w+" ")
}
