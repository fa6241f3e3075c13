package devvault

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/hashicorp/go-hclog"
	vaulthttp "github.com/hashicorp/vault/http"
	"github.com/hashicorp/vault/internalshared/configutil"
	"github.com/hashicorp/vault/vault"
)

// Config says where and how a dev server listens.
type Config struct {
	// Addr is the host:port to listen on; "127.0.0.1:0" picks a free port.
	// Only loopback addresses are accepted: this server has a well-known
	// root token and no persistence, and is never for a network.
	Addr string
	// TLS serves HTTPS with a certificate from a CA made for this server;
	// Server.CACertFile then names a PEM file for VAULT_CACERT.
	TLS bool
	// Log receives the core's log at warning level and above; nil discards it.
	Log io.Writer
}

// Server is a running in-process Vault.
type Server struct {
	// URL is the value for VAULT_ADDR, e.g. http://127.0.0.1:8200.
	URL string
	// RootToken is the root token of the fresh core.
	RootToken string
	// CACertFile is the PEM file of the CA that signed the server's
	// certificate when Config.TLS is set, else empty.
	CACertFile string

	core    *vault.Core
	http    *http.Server
	tempDir string
}

// Start starts a new in-memory Vault core and serves its API.
func Start(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:0"
	}
	if err := requireLoopback(cfg.Addr); err != nil {
		return nil, err
	}
	listener, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	scheme := "http"
	s := &Server{}
	if cfg.TLS {
		scheme = "https"
		s.tempDir, err = os.MkdirTemp("", "sellervault-devvault-")
		if err != nil {
			listener.Close()
			return nil, err
		}
		tlsConfig, caFile, err := newTLS(s.tempDir)
		if err != nil {
			listener.Close()
			os.RemoveAll(s.tempDir)
			return nil, err
		}
		s.CACertFile = caFile
		listener = tls.NewListener(listener, tlsConfig)
	}
	s.URL = scheme + "://" + listener.Addr().String()

	logOut := cfg.Log
	if logOut == nil {
		logOut = io.Discard
	}
	logger := hclog.New(&hclog.LoggerOptions{Name: "devvault", Level: hclog.Warn, Output: logOut})
	core, root, err := newCore(ctx, logger, s.URL)
	if err != nil {
		listener.Close()
		s.removeTemp()
		return nil, err
	}
	s.core, s.RootToken = core, root
	handler := vaulthttp.Handler.Handler(&vault.HandlerProperties{
		Core:           core,
		ListenerConfig: &configutil.Listener{Address: listener.Addr().String()},
	})
	s.http = &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: log.New(logOut, "devvault http: ", 0)}
	go func() { _ = s.http.Serve(listener) }()
	return s, nil
}

// Close stops serving and shuts the core down. Everything stored is lost.
// Connections are closed at once rather than drained: nothing in flight
// matters to an in-memory server that is going away.
func (s *Server) Close() error {
	errHTTP := s.http.Close()
	errCore := s.core.Shutdown()
	s.removeTemp()
	return errors.Join(errHTTP, errCore)
}

func (s *Server) removeTemp() {
	if s.tempDir != "" {
		os.RemoveAll(s.tempDir)
	}
}

func requireLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("dev server address %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("dev server address %q is not a loopback address: the dev server is for this machine only", addr)
	}
	return nil
}
