//go:build linux

package main

import (
	"bytes"
	"io"
	"sync"
)

// ptyRecord is everything a pseudo-terminal showed, read until it
// closes: the tests look at it while the command runs.
type ptyRecord struct {
	mu   sync.Mutex
	out  bytes.Buffer
	done chan struct{} // closed when reading has ended
}

// recordPTY reads ptmx in the background.
func recordPTY(ptmx io.Reader) *ptyRecord {
	r := &ptyRecord{done: make(chan struct{})}
	go func() {
		defer close(r.done)
		buf := make([]byte, 4096)
		for {
			n, err := ptmx.Read(buf)
			r.mu.Lock()
			r.out.Write(buf[:n])
			r.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	return r
}

// String is what was shown so far.
func (r *ptyRecord) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.out.String()
}
