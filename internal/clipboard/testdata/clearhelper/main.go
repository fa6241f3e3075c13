// Command clearhelper is the clear helper the end-to-end test builds: it
// does what `sellervault clipboard-clear` does.
package main

import (
	"os"
	"time"

	"github.com/sellervault/sellervault/internal/clipboard"
)

func main() {
	if _, err := clipboard.ServeClear(clipboard.System(), os.Stdin, time.Sleep); err != nil {
		os.Exit(1)
	}
}
