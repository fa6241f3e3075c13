package repo_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sellervault/sellervault/internal/access"
	"github.com/sellervault/sellervault/internal/repo"
	"github.com/sellervault/sellervault/internal/vault"
)

var people atomic.Int64

// member onboards a person of role on team l (userpass logins are shared
// by every team on the test Vault, so the name is made unique) and
// returns a repository and a raw client with their own token; the person
// joins the groups of stores.
func member(t *testing.T, root *vault.Client, l vault.Layout, role string, stores ...string) (*repo.Repo, *vault.Client) {
	t.Helper()
	ctx := context.Background()
	name := fmt.Sprintf("%s-%s-%d", l.Prefix, role, people.Add(1))
	password := "pw-" + name + "-long-enough"
	if _, err := access.EnsurePerson(ctx, root, l, access.Person{Name: name, Role: role, Stores: stores}, password, time.Now()); err != nil {
		t.Fatal(err)
	}
	token, err := root.Userpass().Login(ctx, vault.UserpassMount, name, password)
	if err != nil {
		t.Fatal(err)
	}
	c, err := root.WithToken(token)
	if err != nil {
		t.Fatal(err)
	}
	return repo.New(c, l), c
}
