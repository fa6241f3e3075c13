package app

import (
	"bytes"
	"context"
	"testing"
)

// Main answers --version before it builds the command table; its answer
// is the one the command table gives.
func TestVersionShortcutMatchesCommandTable(t *testing.T) {
	for _, flag := range []string{"--version", "-v"} {
		var fast, stderr bytes.Buffer
		if code := Main([]string{"sellervault", flag}, nil, &fast, &stderr); code != ExitOK || stderr.Len() != 0 {
			t.Fatalf("Main %s: exit %d, stderr %q", flag, code, stderr.String())
		}
		env, full, _ := testEnv()
		if code := Run(context.Background(), []string{"sellervault", flag}, env); code != ExitOK {
			t.Fatalf("Run %s: exit %d", flag, code)
		}
		if fast.String() != full.String() || fast.Len() == 0 {
			t.Errorf("%s: Main printed %q, the command table %q", flag, fast.String(), full.String())
		}
	}
}
