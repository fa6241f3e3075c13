package xvfbtest

import (
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestStartConcurrent starts servers at the same time, as parallel test
// packages do: each gets its own display, which accepts connections at
// once, and stop removes its lock.
func TestStartConcurrent(t *testing.T) {
	const n = 3
	var wg sync.WaitGroup
	displays := make([]string, n)
	stops := make([]func(), n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			displays[i], stops[i], errs[i] = Start()
		}()
	}
	wg.Wait()
	seen := map[string]bool{}
	for i := range n {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		defer stops[i]()
		if seen[displays[i]] {
			t.Fatalf("display %s handed out twice", displays[i])
		}
		seen[displays[i]] = true
		cmd := exec.Command("xdpyinfo")
		if _, err := exec.LookPath("xdpyinfo"); err != nil {
			// xclip is what CI installs: an empty clipboard exits 1 with
			// "target ... not available", which still proves a connection.
			cmd = exec.Command("xclip", "-selection", "clipboard", "-o")
		}
		cmd.Env = append(os.Environ(), "DISPLAY="+displays[i])
		out, _ := cmd.CombinedOutput()
		if strings.Contains(string(out), "open display") {
			t.Errorf("display %s does not accept connections: %s", displays[i], out)
		}
	}
	for i := range n {
		stops[i]()
		stops[i]() // idempotent
		lock := "/tmp/.X" + strings.TrimPrefix(displays[i], ":") + "-lock"
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			if _, err := os.Stat(lock); os.IsNotExist(err) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s still exists after stop", lock)
			}
		}
	}
}
