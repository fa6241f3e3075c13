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
//	bootstrap.hcl the short-lived token that runs `sellervault init` on a
//	              fresh Vault (not written by init: an operator writes it;
//	              Bootstrap adds manager.hcl to it)
//
// The files are written for the default mount prefix "sellervault". Render
// substitutes the installation's prefix for it in every path (comments
// stay as written), the
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
		text = withPrefix(text, v.Prefix)
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

// BootstrapName is the policy name the README's walk-through gives the
// bootstrap policy, for a mount prefix.
func BootstrapName(prefix string) string { return prefix + "-bootstrap" }

// Bootstrap returns the policy a token needs to run `sellervault init`
// on a fresh Vault and onboard the first manager: bootstrap.hcl followed by
// manager.hcl, both for the mount prefix.
func Bootstrap(prefix string) (string, error) {
	v := Vars{Prefix: prefix}
	boot, err := Render("bootstrap", v)
	if err != nil {
		return "", err
	}
	mgr, err := Render("manager", v)
	if err != nil {
		return "", err
	}
	return boot + "\n# --- manager.hcl: what the first manager's onboarding and migrations need ---\n\n" + mgr, nil
}

// withPrefix puts prefix for DefaultPrefix in the paths of a policy; the
// comments keep naming sellervault (and its commands) as they are.
func withPrefix(text, prefix string) string {
	lines := strings.SplitAfter(text, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, `path "`) {
			lines[i] = strings.ReplaceAll(l, DefaultPrefix, prefix)
		}
	}
	return strings.Join(lines, "")
}

// RotationDefaults returns rotation.conf: the default rotation interval
// of each kind of record, parsed by package rotation.
func RotationDefaults() string {
	data, _ := files.ReadFile("rotation.conf")
	return string(data)
}
