package picker

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

// syncBuffer is a bytes.Buffer safe for the program's writer goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestRunDrivesTheProgram runs the model in a real Bubble Tea program fed
// by a pipe: keys in, screen out, the result back.
func TestRunDrivesTheProgram(t *testing.T) {
	w := newWorld(t)
	m := New(testEntries, w.m.funcs) // the real ticker
	in, keys := io.Pipe()
	defer keys.Close()
	var out syncBuffer
	type ran struct {
		res Result
		err error
	}
	done := make(chan ran, 1)
	go func() {
		res, err := Run(context.Background(), m, in, &out, []string{"TERM=xterm-256color", "NO_COLOR=1"}, tea.WithWindowSize(100, 20))
		done <- ran{res, err}
	}()
	waitUntil := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for !cond() {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s; screen: %q", what, out.String())
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	waitUntil("the list", func() bool { return strings.Contains(out.String(), "ebay") })
	io.WriteString(keys, "ebay\r")
	waitUntil("the login", func() bool { return w.clip.holds() == login })
	io.WriteString(keys, "\r")
	waitUntil("the password", func() bool { return w.clip.holds() == password })
	io.WriteString(keys, "\r")
	var r ran
	select {
	case r = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the program did not end")
	}
	if r.err != nil || r.res.Outcome != Done || r.res.Entry.Address != "acme-us/ebay" || w.clip.holds() != "" {
		t.Fatalf("Run = %+v, %v; clipboard %q", r.res, r.err, w.clip.holds())
	}
	if s := out.String(); strings.Contains(s, password) || strings.Contains(s, login) {
		t.Fatal("the program wrote a secret")
	}
}

// TestRunEndsWithItsContext: a cancelled context ends the program as Quit
// with the error.
func TestRunEndsWithItsContext(t *testing.T) {
	w := newWorld(t)
	in, keys := io.Pipe()
	defer keys.Close()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	res, err := Run(ctx, w.m, in, io.Discard, []string{"TERM=xterm-256color"})
	if !errors.Is(err, tea.ErrProgramKilled) || res.Outcome != Quit || res.Err == nil {
		t.Fatalf("Run = %+v, %v", res, err)
	}
}
