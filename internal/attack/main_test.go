// The adversarial suite: see doc.go for what it does and why.
//
// # Adding a path
//
// A new grant in a policy file is picked up by itself: TestGeneratedAttacks
// parses the rendered policies each role carries (rolePolicies in
// grants_test.go) and builds traversal requests from every grant to every
// target the role is denied. Nothing here lists the grants.
//
// A new kind of record needs three small edits, all by hand:
//
//  1. seed it in seed_test.go (seedRecords: a record with a class, a
//     store and/or a person; the canaries are added for you);
//  2. say who may read, list or write it in expect_test.go (the rules of
//     the team, not what the policy says);
//  3. if it lives outside the KV mounts, add its routes to
//     engineTargets in targets_test.go.
//
// A new role needs a person in newTeam (fixture_test.go), its policy files
// in rolePolicies and its rules in expect_test.go.
//
// # Running
//
//	go test ./internal/attack/ -v -run TestGeneratedAttacks
//
// logs the number of generated cases per role and every failure;
// ATTACK_DEBUG=1 also logs every request that got a 2xx answer;
// ATTACK_FULL=1 tries every spelling from every grant to every target,
// each also wrapped (far more requests: for a run with time to spare).
package attack

import (
	"os"
	"testing"

	"github.com/sellervault/sellervault/internal/devvault"
	"github.com/sellervault/sellervault/internal/vault"
)

func TestMain(m *testing.M) {
	// A developer's own Vault settings must not leak into the suite.
	for _, v := range vault.EnvVars {
		os.Unsetenv(v)
	}
	code := m.Run()
	devvault.StopShared()
	os.Exit(code)
}
