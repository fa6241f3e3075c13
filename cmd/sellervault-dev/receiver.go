package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
)

// receiver is the demo's webhook receiver: a generic JSON webhook
// endpoint on loopback that prints the text of each reminder it gets, so
// the tour can show `rotation remind` end to end without a chat service.
type receiver struct {
	URL string
	srv *http.Server
}

// startReceiver listens on a free loopback port and prints what it
// receives to out.
func startReceiver(out io.Writer) (*receiver, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("webhook receiver: %w", err)
	}
	var mu sync.Mutex
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var msg struct {
			Text string `json:"text"`
		}
		if r.Method != http.MethodPost || json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&msg) != nil {
			http.Error(w, "want a POST of a JSON reminder", http.StatusBadRequest)
			return
		}
		mu.Lock()
		fmt.Fprintf(out, "[webhook receiver] got a reminder:\n")
		for _, line := range strings.Split(strings.TrimRight(msg.Text, "\n"), "\n") {
			fmt.Fprintf(out, "[webhook receiver]   %s\n", line)
		}
		mu.Unlock()
		_, _ = io.WriteString(w, "ok")
	})}
	go func() { _ = srv.Serve(ln) }()
	return &receiver{URL: "http://" + ln.Addr().String() + "/hook", srv: srv}, nil
}

func (r *receiver) Close() error { return r.srv.Close() }

// lockedWriter serialises writes from the command's output copier and
// the receiver.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
