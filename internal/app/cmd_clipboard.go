package app

import (
	"fmt"
	"os"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/sellervault/sellervault/internal/clipboard"
)

// clipboardClearCommand is the detached helper that clears the clipboard
// after a copy, if it still holds what was copied. Copy starts it with
// clipboardHelperStarter and a payload on stdin (a salt, a salted hash and
// the timeout: never the secret); people do not run it.
func clipboardClearCommand(env *Env) *cli.Command {
	return &cli.Command{
		Name:   "clipboard-clear",
		Usage:  "clear the clipboard after a copy (internal: started by sellervault)",
		Hidden: true,
		Action: func(c *cli.Context) error {
			_, err := clipboard.ServeClear(clipboard.System(), env.Stdin, time.Sleep)
			return err
		},
	}
}

// clipboardHelperStarter starts `sellervault clipboard-clear` from this
// very executable, detached.
func clipboardHelperStarter() clipboard.StartHelper {
	return func(payload []byte) error {
		exe, err := os.Executable()
		if err != nil {
			return fmt.Errorf("find the sellervault executable to start the clipboard clear helper: %w", err)
		}
		return clipboard.HelperStarter([]string{exe, "clipboard-clear"})(payload)
	}
}
