package layering

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

const module = "github.com/sellervault/sellervault/"

// Limits the codebase keeps.
const (
	maxExportedMethods = 15
	maxFileLines       = 500
)

// vaultModules are the import paths of Vault itself.
var vaultModules = []string{"github.com/hashicorp/vault/"}

// models are the packages of pure rules and formats: they import neither
// the store, nor the provisioning, nor Vault.
var models = []string{
	"internal/audit", "internal/backup", "internal/clipboard", "internal/escrow", "internal/export",
	"internal/failure", "internal/importer", "internal/inputerr", "internal/iso3166", "internal/mailcheck",
	"internal/notify", "internal/parallel", "internal/payout", "internal/phish", "internal/picker", "internal/records",
	"internal/redact", "internal/rotation", "internal/secretin", "internal/staff", "internal/totp",
}

// workflows depend on small interfaces of the store, not on it.
var workflows = []string{"internal/backuprun", "internal/doctor", "internal/importrun", "internal/incident", "internal/offboard", "internal/payoutchange", "internal/reindex", "internal/remind"}

// layers are the other packages, by what they are; with models and
// workflows they must name every package of the module
// (TestEveryPackageHasALayer).
var layers = map[string][]string{
	"binary":        {"cmd/sellervault"},
	"command line":  {"internal/app"},
	"connection":    {"internal/connect"},
	"store":         {"internal/repo"},
	"provisioning":  {"internal/setup", "internal/access"},
	"Vault client":  {"internal/vault"},
	"policies":      {"policies"},
	"dev and tests": {"cmd/sellervault-dev", "internal/devvault", "internal/demo", "internal/vaulttest", "internal/faultproxy", "internal/hatest", "internal/attack", "internal/xvfbtest", "internal/layering", "internal/redact/redacttest", "internal/audit/vaulttest", "internal/offboard/offboardtest", "deploy", "docs/reverse-proxy"},
}

// storeAndVault are what models and workflows must not import.
var storeAndVault = []string{"internal/repo", "internal/setup", "internal/access", "internal/connect", "internal/vault", "internal/devvault"}

// rule is one import rule: packages matching from may not import
// anything matching any of banned.
type rule struct {
	why        string
	from       []string // module-relative paths, or "*" for every package
	except     []string // packages the rule leaves out
	banned     []string // module-relative paths, or full paths ending in "/" for prefixes
	transitive bool     // also through the packages it imports
}

func rules() []rule {
	return []rule{
		{why: "only internal/vault talks to Vault's API (internal/devvault runs Vault's core for tests and the demo)",
			from: []string{"*"}, except: []string{"internal/vault", "internal/devvault", "cmd/sellervault-dev"}, banned: vaultModules},
		{why: "the command line talks to Vault only through internal/connect",
			from: []string{"internal/app"}, banned: append([]string{"internal/vault", "internal/devvault"}, vaultModules...)},
		{why: "models are pure rules and formats", from: models, banned: append(append(append([]string{"internal/app"}, storeAndVault...), workflows...), vaultModules...), transitive: true},
		{why: "workflows depend on interfaces of the store", from: workflows, banned: append(append([]string{"internal/app"}, storeAndVault...), vaultModules...), transitive: true},
		{why: "only the binary calls the command line", from: []string{"*"}, except: []string{"cmd/sellervault", "internal/app"}, banned: []string{"internal/app"}},
	}
}

// matches reports whether import path p (full) is named by pattern.
func matches(p, pattern string) bool {
	if strings.HasSuffix(pattern, "/") && strings.Contains(pattern, ".") {
		return strings.HasPrefix(p, pattern)
	}
	return p == module+pattern
}

func inList(p string, list []string) bool {
	for _, l := range list {
		if l == "*" || matches(p, l) {
			return true
		}
	}
	return false
}

// importViolations checks every package's imports (full paths) and,
// for the rules that say so, everything they import in turn (deps),
// against the rules.
func importViolations(imports, deps map[string][]string) []string {
	var out []string
	for pkg, direct := range imports {
		for _, r := range rules() {
			if !inList(pkg, r.from) || (len(r.except) > 0 && inList(pkg, r.except)) {
				continue
			}
			imps := direct
			if r.transitive {
				imps = deps[pkg]
			}
			for _, imp := range imps {
				if inList(imp, r.banned) {
					out = append(out, fmt.Sprintf("%s imports %s: %s", strings.TrimPrefix(pkg, module), imp, r.why))
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

// goList runs `go list` over the module.
func goList(t *testing.T, args ...string) []byte {
	t.Helper()
	cmd := exec.Command("go", append([]string{"list"}, args...)...)
	cmd.Dir = "../.."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list %v: %v", args, err)
	}
	return out
}

func TestImports(t *testing.T) {
	imports, deps := listPackages(t)
	for _, v := range importViolations(imports, deps) {
		t.Error(v)
	}
}

// listPackages is every package's imports and all it depends on.
func listPackages(t *testing.T) (imports, deps map[string][]string) {
	t.Helper()
	imports, deps = map[string][]string{}, map[string][]string{}
	dec := json.NewDecoder(bytes.NewReader(goList(t, "-json=ImportPath,Imports,Deps", "./...")))
	for dec.More() {
		var p struct {
			ImportPath    string
			Imports, Deps []string
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		imports[p.ImportPath], deps[p.ImportPath] = p.Imports, p.Deps
	}
	if len(imports) < 30 {
		t.Fatalf("go list found %d packages: is this the module root?", len(imports))
	}
	return imports, deps
}

// Every package has a layer, so that a new one is placed on purpose.
func TestEveryPackageHasALayer(t *testing.T) {
	imports, _ := listPackages(t)
	known := append(append([]string{}, models...), workflows...)
	for _, l := range layers {
		known = append(known, l...)
	}
	for pkg := range imports {
		if !inList(pkg, known) {
			t.Errorf("%s has no layer: add it to models, workflows or layers in layering_test.go", strings.TrimPrefix(pkg, module))
		}
	}
}

// The rules catch what they are meant to: one violation of each.
func TestImportRulesCatchViolations(t *testing.T) {
	bad := map[string][]string{
		module + "internal/repo":     {"github.com/hashicorp/vault/api"},
		module + "internal/app":      {module + "internal/vault"},
		module + "internal/records":  {module + "internal/repo"},
		module + "internal/remind":   {module + "internal/vault"},
		module + "internal/connect":  {module + "internal/app"},
		module + "internal/vault":    {"github.com/hashicorp/vault/api"}, // allowed
		module + "cmd/sellervault":   {module + "internal/app"},          // allowed
		module + "internal/payout":   {module + "internal/inputerr"},     // allowed
		module + "internal/devvault": {"github.com/hashicorp/vault/vault"},
	}
	deps := map[string][]string{
		module + "internal/payout": {module + "internal/inputerr", module + "internal/demo", module + "internal/repo"}, // through demo
	}
	for pkg, imps := range bad {
		if deps[pkg] == nil {
			deps[pkg] = imps
		}
	}
	got := importViolations(bad, deps)
	for _, want := range []string{
		"internal/repo imports github.com/hashicorp/vault/api",
		"internal/app imports " + module + "internal/vault",
		"internal/records imports " + module + "internal/repo",
		"internal/remind imports " + module + "internal/vault",
		"internal/connect imports " + module + "internal/app",
		"internal/payout imports " + module + "internal/repo", // through internal/demo
	} {
		found := false
		for _, g := range got {
			found = found || strings.HasPrefix(g, want+":")
		}
		if !found {
			t.Errorf("no violation %q in %q", want, got)
		}
	}
	if len(got) != 6 {
		t.Errorf("%d violations, want 6: %q", len(got), got)
	}
}

// The binary never links Vault's core (the in-process Vault of the tests
// and the demo).
func TestBinaryLinksNoVaultCore(t *testing.T) {
	for _, dep := range strings.Fields(string(goList(t, "-deps", "./cmd/sellervault"))) {
		if dep == "github.com/hashicorp/vault/vault" || strings.HasPrefix(dep, "github.com/hashicorp/vault/sdk") ||
			dep == module+"internal/devvault" {
			t.Errorf("cmd/sellervault links %s", dep)
		}
	}
}

// goFiles is every .go file of the module, relative to its root.
func goFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir("../..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && path != "../..") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(path, ".go") {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestFileLength(t *testing.T) {
	files := goFiles(t)
	if len(files) < 100 {
		t.Fatalf("found %d Go files: is this the module root?", len(files))
	}
	for _, path := range files {
		n, err := countLines(path)
		if err != nil {
			t.Fatal(err)
		}
		if n > maxFileLines {
			t.Errorf("%s: %d lines, more than %d: split it by topic", strings.TrimPrefix(path, "../../"), n, maxFileLines)
		}
	}
}

func countLines(path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		n++
	}
	return n, sc.Err()
}

// exportedMethods counts each named type's exported methods, declared in
// the non-test files of one directory.
func exportedMethods(fset *token.FileSet, files []*ast.File) map[string]int {
	count := map[string]int{}
	for _, f := range files {
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || !fn.Name.IsExported() {
				continue
			}
			typ := fn.Recv.List[0].Type
			if star, ok := typ.(*ast.StarExpr); ok {
				typ = star.X
			}
			if gen, ok := typ.(*ast.IndexExpr); ok {
				typ = gen.X
			}
			if id, ok := typ.(*ast.Ident); ok {
				count[id.Name]++
			}
		}
	}
	return count
}

func TestExportedMethods(t *testing.T) {
	dirs := map[string][]*ast.File{}
	fset := token.NewFileSet()
	for _, path := range goFiles(t) {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		dirs[filepath.Dir(path)] = append(dirs[filepath.Dir(path)], f)
	}
	checked := 0
	for dir, files := range dirs {
		for typ, n := range exportedMethods(fset, files) {
			checked++
			if n > maxExportedMethods {
				t.Errorf("%s.%s has %d exported methods, more than %d: split it by concern", strings.TrimPrefix(dir, "../../"), typ, n, maxExportedMethods)
			}
		}
	}
	if checked < 50 {
		t.Fatalf("checked %d types: is this the module root?", checked)
	}
}

// The method count sees methods on values, pointers and generic types.
func TestExportedMethodsCounts(t *testing.T) {
	src := `package p
type T struct{}
type G[X any] struct{}
func (T) A() {}
func (*T) B() {}
func (t *T) c() {}
func (G[X]) D() {}
func F() {}`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	got := exportedMethods(fset, []*ast.File{f})
	if got["T"] != 2 || got["G"] != 1 || len(got) != 2 {
		t.Errorf("exportedMethods = %v, want T:2 G:1", got)
	}
}
