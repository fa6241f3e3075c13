package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"sync"

	"github.com/rogpeppe/go-internal/testscript"
)

// hook-server [-status CODE] NAME starts a webhook receiver on loopback
// for the rest of the script: it sets $NAME to its URL and appends each
// request's body, one line each, to $WORK/NAME.log. It answers CODE
// (default 200) with the body Slack's incoming webhooks give, "ok".
func cmdHookServer(ts *testscript.TestScript, neg bool, args []string) {
	status := http.StatusOK
	if len(args) == 3 && args[0] == "-status" {
		var err error
		status, err = strconv.Atoi(args[1])
		ts.Check(err)
		args = args[2:]
	}
	if neg || len(args) != 1 {
		ts.Fatalf("usage: hook-server [-status CODE] NAME")
	}
	name := args[0]
	logPath := filepath.Join(ts.Getenv("WORK"), name+".log")
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		mu.Lock()
		f, err := os.OpenFile(logPath, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
		if err == nil {
			_, _ = f.Write(append(body, '\n'))
			_ = f.Close()
		}
		mu.Unlock()
		w.WriteHeader(status)
		_, _ = io.WriteString(w, "ok")
	}))
	ts.Defer(srv.Close)
	ts.Setenv(name, srv.URL)
}

// write-file PATH CONTENT writes CONTENT (after the script's $VAR
// expansion, which files in the archive do not get) to PATH, mode 600.
func cmdWriteFile(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: write-file PATH CONTENT")
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte(args[1]+"\n"), 0o600))
}
