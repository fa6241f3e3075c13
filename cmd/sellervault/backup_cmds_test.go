package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"time"

	"filippo.io/age"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/sellervault/sellervault/internal/devvault"
	"github.com/sellervault/sellervault/internal/setup"
	"github.com/sellervault/sellervault/internal/vault"
)

// cmdBackupTest is the scripts' helper for backup and restore:
//
//	backup-test second-vault            start another in-process Vault, run init
//	                                    for the script's mount on it, and point
//	                                    VAULT_ADDR and VAULT_TOKEN at it (the first
//	                                    stays in DEV_VAULT_ADDR and ROOT_TOKEN)
//	backup-test age-keygen FILE VAR     write a new age identity to FILE (mode
//	                                    600, as age-keygen writes it) and its
//	                                    public key to $VAR
//	backup-test truncate FILE N         cut FILE to its first N bytes (N < 0:
//	                                    drop the last -N)
//	backup-test flip FILE OFFSET        flip one bit of FILE's byte at OFFSET
//	                                    (negative: from the end)
func cmdBackupTest(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 {
		ts.Fatalf("usage: backup-test second-vault | age-keygen FILE VAR | truncate FILE N | flip FILE OFFSET")
	}
	switch sub, rest := args[0], args[1:]; {
	case sub == "second-vault" && len(rest) == 0:
		ctx := context.Background()
		srv, err := devvault.Start(ctx, devvault.Config{})
		ts.Check(err)
		ts.Defer(func() { _ = srv.Close() })
		c, err := vault.New(vault.Options{Address: srv.URL, Token: srv.RootToken})
		ts.Check(err)
		layout, err := vault.NewLayout(ts.Getenv("SELLERVAULT_MOUNT"))
		ts.Check(err)
		_, err = setup.Run(ctx, c, setup.Options{Layout: layout, Now: time.Now})
		ts.Check(err)
		ts.Setenv("VAULT_ADDR", srv.URL)
		ts.Setenv("VAULT_TOKEN", srv.RootToken)
		ts.Setenv("SECOND_VAULT_ADDR", srv.URL)
		ts.Setenv("SECOND_ROOT_TOKEN", srv.RootToken)
	case sub == "age-keygen" && len(rest) == 2:
		id, err := age.GenerateX25519Identity()
		ts.Check(err)
		content := fmt.Sprintf("# created: %s\n# public key: %s\n%s\n", time.Now().UTC().Format(time.RFC3339), id.Recipient(), id)
		ts.Check(os.WriteFile(ts.MkAbs(rest[0]), []byte(content), 0o600))
		ts.Setenv(rest[1], id.Recipient().String())
	case sub == "truncate" && len(rest) == 2:
		b, n := readAndOffset(ts, rest[0], rest[1])
		ts.Check(os.WriteFile(ts.MkAbs(rest[0]), b[:n], 0o600))
	case sub == "flip" && len(rest) == 2:
		b, n := readAndOffset(ts, rest[0], rest[1])
		if n >= len(b) {
			ts.Fatalf("flip: offset past the end of %s", rest[0])
		}
		b[n] ^= 1
		ts.Check(os.WriteFile(ts.MkAbs(rest[0]), b, 0o600))
	default:
		ts.Fatalf("usage: backup-test second-vault | age-keygen FILE VAR | truncate FILE N | flip FILE OFFSET")
	}
}

// readAndOffset reads a file and resolves an offset into it (negative:
// from the end).
func readAndOffset(ts *testscript.TestScript, file, offset string) ([]byte, int) {
	b, err := os.ReadFile(ts.MkAbs(file))
	ts.Check(err)
	n, err := strconv.Atoi(offset)
	ts.Check(err)
	if n < 0 {
		n += len(b)
	}
	if n < 0 || n > len(b) {
		ts.Fatalf("offset %s out of range for %s (%d bytes)", offset, file, len(b))
	}
	return b, n
}
