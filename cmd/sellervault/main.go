// Command sellervault keeps a seller team's marketplace logins, 2-step
// verification codes and payout details safe in HashiCorp Vault.
//
// See the README for a tour and `sellervault help` for the commands.
package main

import (
	"os"

	"github.com/sellervault/sellervault/internal/app"
)

func main() {
	os.Exit(app.Main(os.Args, os.Stdin, os.Stdout, os.Stderr))
}
