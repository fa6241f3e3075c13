package devvault

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/go-hclog"
	kv "github.com/hashicorp/vault-plugin-secrets-kv"
	"github.com/hashicorp/vault/audit"
	"github.com/hashicorp/vault/builtin/credential/approle"
	"github.com/hashicorp/vault/builtin/credential/userpass"
	"github.com/hashicorp/vault/builtin/logical/totp"
	"github.com/hashicorp/vault/builtin/logical/transit"
	"github.com/hashicorp/vault/sdk/helper/consts"
	"github.com/hashicorp/vault/sdk/logical"
	"github.com/hashicorp/vault/sdk/physical/inmem"
	"github.com/hashicorp/vault/vault"
)

// WithEngines gives a core configuration the engines sellervault uses:
// KV v2, TOTP and Transit, userpass and AppRole logins, and the file audit
// device, with no external plugins. The dev server's core has them, and
// so do the cores of the HA tests' Raft cluster (internal/hatest).
func WithEngines(conf *vault.CoreConfig) {
	conf.LogicalBackends = map[string]logical.Factory{
		"kv":      kv.Factory,
		"totp":    totp.Factory,
		"transit": transit.Factory,
	}
	conf.CredentialBackends = map[string]logical.Factory{
		"userpass": userpass.Factory,
		"approle":  approle.Factory,
	}
	conf.AuditBackends = map[string]audit.Factory{
		"file": audit.NewFileBackend,
	}
	conf.BuiltinRegistry = noPlugins{}
}

// newCore builds an in-memory core with sellervault's engines, initialises
// it with a single unseal key, unseals it and waits until it is active.
func newCore(ctx context.Context, logger hclog.Logger, redirectAddr string) (*vault.Core, string, error) {
	storage, err := inmem.NewInmem(nil, logger)
	if err != nil {
		return nil, "", fmt.Errorf("in-memory storage: %w", err)
	}
	conf := &vault.CoreConfig{
		Physical:     storage,
		Logger:       logger,
		DisableMlock: true,
		RedirectAddr: redirectAddr,
	}
	WithEngines(conf)
	core, err := vault.NewCore(conf)
	if err != nil {
		return nil, "", fmt.Errorf("new vault core: %w", err)
	}
	result, err := core.Initialize(ctx, &vault.InitParams{
		BarrierConfig:    &vault.SealConfig{SecretShares: 1, SecretThreshold: 1},
		RecoveryConfig:   &vault.SealConfig{SecretShares: 1, SecretThreshold: 1},
		LegacyShamirSeal: true,
	})
	if err != nil {
		_ = core.Shutdown()
		return nil, "", fmt.Errorf("initialise vault core: %w", err)
	}
	for _, key := range result.SecretShares {
		if _, err := core.Unseal(key); err != nil {
			_ = core.Shutdown()
			return nil, "", fmt.Errorf("unseal vault core: %w", err)
		}
	}
	if sealed := core.Sealed(); sealed {
		_ = core.Shutdown()
		return nil, "", errors.New("vault core is still sealed after unseal")
	}
	if err := vault.TestWaitActiveWithError(core); err != nil {
		_ = core.Shutdown()
		return nil, "", fmt.Errorf("vault core did not become active: %w", err)
	}
	return core, result.RootToken, nil
}

// noPlugins is a plugin catalogue that knows no external plugins: every
// engine sellervault uses is registered in the core's config instead, and
// an empty catalogue keeps the other builtins out of the binary.
type noPlugins struct{}

func (noPlugins) Contains(string, consts.PluginType) bool { return false }
func (noPlugins) Get(string, consts.PluginType) (func() (interface{}, error), bool) {
	return nil, false
}
func (noPlugins) Keys(consts.PluginType) []string { return nil }
func (noPlugins) DeprecationStatus(string, consts.PluginType) (consts.DeprecationStatus, bool) {
	return consts.Unknown, false
}
func (noPlugins) IsBuiltinEntPlugin(string, consts.PluginType) bool { return false }
