// Command minimalget is the baseline of BenchmarkCredGet: the least a Go
// program does to print a credential's password with Vault's own client,
// one KV v2 read. It is built only by the benchmark.
package main

import (
	"fmt"
	"os"

	"github.com/hashicorp/vault/api"
)

func main() {
	c, err := api.NewClient(api.DefaultConfig())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	secret, err := c.Logical().Read(os.Args[1])
	if err != nil || secret == nil {
		fmt.Fprintln(os.Stderr, "read failed:", err)
		os.Exit(1)
	}
	data, _ := secret.Data["data"].(map[string]interface{})
	fmt.Println(data["password"])
}
