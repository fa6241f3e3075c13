// Package policies holds sellervault's Vault ACL policies as reviewed .hcl
// files and renders them for one installation.
//
// Each file opens with a comment that says who holds the policy and why:
//
//	manager.hcl   the team's managers (identity group sellervault-managers)
//	finance.hcl   finance (identity group sellervault-finance)
//	staff.hcl     operations staff (identity group sellervault-staff)
//	reminder.hcl  the scheduled reminder job (AppRole role sellervault-reminder)
//	self.hcl      every person's and the reminder job's token, in place of
//	              Vault's default policy (its own token, unwrap)
//	store.hcl     a template, one policy per store (group sellervault-store-STORE)
//
// The files are written for the default mount prefix "sellervault". Render
// substitutes the installation's prefix for every occurrence of it, the
// userpass mount accessor for @USERPASS_ACCESSOR@ (used in templated paths
// that let people change their own password) and, in store.hcl, the store's
// name for @STORE@.
package policies

import (
	"embed"
	"fmt"
	"strings"
)

//go:embed *.hcl rotation.conf
var files embed.FS

// DefaultPrefix is the mount prefix the files are written for.
const DefaultPrefix = "sellervault"

// Roles are the role policies `sellervault init` writes, in order.
var Roles = []string{"manager", "finance", "staff", "reminder", "self"}

// Vars are the installation's values substituted into a policy.
type Vars struct {
	Prefix           string // mount prefix, e.g. "sellervault"
	UserpassAccessor string // accessor of the userpass auth mount
	Store            string // store name, for the store template only
}

// Source returns a policy file's text as written, e.g. Source("staff").
func Source(name string) (string, error) {
	data, err := files.ReadFile(name + ".hcl")
	if err != nil {
		return "", fmt.Errorf("no policy file %s.hcl", name)
	}
	return string(data), nil
}

// Render returns the policy name's rules for an installation.
func Render(name string, v Vars) (string, error) {
	text, err := Source(name)
	if err != nil {
		return "", err
	}
	if v.Prefix != "" && v.Prefix != DefaultPrefix {
		text = strings.ReplaceAll(text, DefaultPrefix, v.Prefix)
	}
	if strings.Contains(text, "@USERPASS_ACCESSOR@") {
		if v.UserpassAccessor == "" {
			return "", fmt.Errorf("policy %s needs the userpass mount accessor", name)
		}
		text = strings.ReplaceAll(text, "@USERPASS_ACCESSOR@", v.UserpassAccessor)
	}
	if strings.Contains(text, "@STORE@") {
		if v.Store == "" {
			return "", fmt.Errorf("policy %s needs a store name", name)
		}
		text = strings.ReplaceAll(text, "@STORE@", v.Store)
	}
	return text, nil
}

// RotationDefaults returns rotation.conf: the default rotation interval
// of each kind of record, parsed by package rotation.
func RotationDefaults() string {
	data, _ := files.ReadFile("rotation.conf")
	return string(data)
}
