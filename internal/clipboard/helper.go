package clipboard

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// HelperStarter returns a StartHelper that runs argv (for example
// {os.Executable(), "clipboard-clear"}) as a detached process: in a new
// session (so closing the terminal or pressing Ctrl-C does not stop it),
// with the payload on its stdin and stdout and stderr on the null device.
// It returns as soon as the payload is handed over, without waiting for the
// helper to finish. The child's argv is exactly argv and its environment
// is os.Environ(): nothing secret is ever added to either.
func HelperStarter(argv []string) StartHelper {
	argv = append([]string(nil), argv...)
	return func(payload []byte) error {
		if len(argv) == 0 || argv[0] == "" {
			return errors.New("clear helper: no command to run")
		}
		null, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
		if err != nil {
			return fmt.Errorf("clear helper: %w", err)
		}
		defer null.Close()
		pr, pw, err := os.Pipe()
		if err != nil {
			return fmt.Errorf("clear helper: %w", err)
		}
		defer pw.Close()
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Env = helperEnv(os.Environ())
		cmd.Stdin, cmd.Stdout, cmd.Stderr = pr, null, null
		cmd.SysProcAttr = detached()
		err = cmd.Start()
		pr.Close()
		if err != nil {
			return fmt.Errorf("clear helper: %w", err)
		}
		// The payload is far smaller than a pipe's buffer: this write does
		// not wait for the helper to read it.
		_, err = pw.Write(payload)
		if cerr := pw.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			cmd.Process.Kill()
			cmd.Wait()
			return fmt.Errorf("clear helper: send payload: %w", err)
		}
		// Reap the helper if it ends while this process still runs, so
		// that it leaves no zombie; nobody waits for this.
		go cmd.Wait()
		return nil
	}
}

// helperEnv is the environment without VAULT_* variables: the helper
// never talks to Vault, and a token in its environment would sit in a
// long-lived process for nothing.
func helperEnv(environ []string) []string {
	out := make([]string, 0, len(environ))
	for _, kv := range environ {
		if !strings.HasPrefix(kv, "VAULT_") {
			out = append(out, kv)
		}
	}
	return out
}
