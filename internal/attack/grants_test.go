package attack

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/vault/helper/namespace"
	vaultcore "github.com/hashicorp/vault/vault"

	"github.com/sellervault/sellervault/policies"
)

// grant is one path rule of a policy that grants something (deny rules
// open no door).
type grant struct {
	source  string // policy file or Vault policy it comes from
	path    string // with the caller's template values; the trailing * stripped
	prefix  bool   // ended in * (a glob)
	plus    bool   // has + segments
	caps    []string
	maxWrap string
}

func (g grant) String() string {
	p := g.path
	if g.prefix {
		p += "*"
	}
	return g.source + ` path "` + p + `"`
}

// policyFile is a policy file rendered for one installation.
type policyFile struct {
	file  string // e.g. "store.hcl (acme-us)"
	name  string // the Vault policy it is written as
	store string
}

// rolePolicies lists, by hand, the policy files each role's token carries
// (through its groups, its login and the self policy). A role's token
// must carry exactly these (TestTokenPolicies); anything else it carries
// is attacked from too.
func (tm *team) rolePolicies(role string) []policyFile {
	file := func(name string) policyFile {
		return policyFile{file: name + ".hcl", name: tm.l.RolePolicy(name)}
	}
	store := func(s string) policyFile {
		return policyFile{file: "store.hcl (" + s + ")", name: tm.l.StorePolicy(s), store: s}
	}
	self := policyFile{file: "self.hcl", name: tm.l.SelfPolicy()}
	switch role {
	case roleFinance:
		return []policyFile{file("finance"), self}
	case roleStaff:
		return []policyFile{file("staff"), store(storeUS), self}
	case roleReminder:
		return []policyFile{file("reminder"), self}
	case roleOffboarded:
		return []policyFile{file("finance"), store(storeUS), self}
	case roleNoRole:
		return []policyFile{self}
	case roleManager:
		return []policyFile{file("manager"), self}
	}
	return nil
}

// policyText renders a policy file for the installation.
func (tm *team) policyText(p policyFile) (string, error) {
	name := strings.TrimSuffix(strings.Fields(p.file)[0], ".hcl")
	return policies.Render(name, policies.Vars{Prefix: tm.l.Prefix, UserpassAccessor: tm.accessor, Store: p.store})
}

// withTemplates puts the caller's values into Vault's policy templates,
// as Vault does at request time. An unknown template is an error: the
// generator must learn it rather than skip the path.
func (tm *team) withTemplates(text string, m *member) (string, error) {
	repl := strings.NewReplacer(
		"{{identity.entity.id}}", m.entityID,
		"{{identity.entity.name}}", m.name,
		"{{identity.entity.aliases."+tm.accessor+".name}}", m.name,
	)
	out := repl.Replace(text)
	if i := strings.Index(out, "{{"); i >= 0 {
		end := strings.Index(out[i:], "}}")
		if end < 0 {
			end = len(out) - i - 2
		}
		return "", fmt.Errorf("unknown policy template %s: teach withTemplates its value", out[i:i+end+2])
	}
	return out, nil
}

// parseGrants parses a policy with Vault's own parser.
func parseGrants(source, text string) ([]grant, error) {
	p, err := vaultcore.ParseACLPolicy(namespace.RootNamespace, text)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	var out []grant
	for _, pr := range p.Paths {
		caps := append([]string(nil), pr.Capabilities...)
		if len(caps) == 0 || (len(caps) == 1 && caps[0] == "deny") {
			continue
		}
		g := grant{source: source, path: pr.Path, prefix: pr.IsPrefix, plus: pr.HasSegmentWildcards, caps: caps}
		if strings.HasSuffix(g.path, "*") { // Vault keeps the * on paths with + segments
			g.path, g.prefix = strings.TrimSuffix(g.path, "*"), true
		}
		if pr.MaxWrappingTTLHCL != nil {
			g.maxWrap = fmt.Sprint(pr.MaxWrappingTTLHCL)
		}
		out = append(out, g)
	}
	return out, nil
}

// grantsOf returns every grant of the policies role's token carries: the
// files listed in rolePolicies, and any other policy found on the token
// (read from Vault), templated with the member's values.
func (tm *team) grantsOf(role string) ([]grant, []string, error) {
	m := tm.members[role]
	var out []grant
	var sources []string
	known := map[string]bool{}
	for _, pf := range tm.rolePolicies(role) {
		known[pf.name] = true
		text, err := tm.policyText(pf)
		if err != nil {
			return nil, nil, err
		}
		if text, err = tm.withTemplates(text, m); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", pf.file, err)
		}
		gs, err := parseGrants(pf.file, text)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, gs...)
		sources = append(sources, pf.file)
	}
	for _, name := range m.policies {
		if known[name] {
			continue
		}
		known[name] = true
		rep, err := tm.raw.call(tm.rootTok, "GET", "sys/policies/acl/"+name, nil)
		if err != nil {
			return nil, nil, fmt.Errorf("policy %s on %s's token: %w", name, role, err)
		}
		text, err := tm.withTemplates(str(obj(rep, "data"), "policy"), m)
		if err != nil {
			return nil, nil, fmt.Errorf("policy %s: %w", name, err)
		}
		gs, err := parseGrants("Vault policy "+name, text)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, gs...)
		sources = append(sources, "Vault policy "+name)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out, sources, nil
}
