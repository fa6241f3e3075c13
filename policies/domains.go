package policies

import _ "embed"

//go:embed domains.conf
var domainsConf string

// Domains returns domains.conf: the reviewed allowlist of marketplace and
// payout-provider domains that `sellervault check sender` and
// `sellervault check url` compare against, parsed by package phish.
func Domains() string {
	return domainsConf
}
