package devvault

import (
	"context"
	"sync"
)

var shared struct {
	once   sync.Once
	server *Server
	err    error
}

// Shared returns the test binary's one dev server, starting it on first
// use, with TLS so that clients are exercised through VAULT_CACERT. Call
// StopShared from TestMain after m.Run.
func Shared() (*Server, error) {
	shared.once.Do(func() {
		shared.server, shared.err = Start(context.Background(), Config{TLS: true})
	})
	return shared.server, shared.err
}

// StopShared shuts the shared server down if it was started.
func StopShared() {
	if shared.server != nil {
		_ = shared.server.Close()
	}
}
