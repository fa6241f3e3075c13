// Package vault is sellervault's only door to HashiCorp Vault: no other
// package imports github.com/hashicorp/vault/api.
//
// # Configuration
//
// New configures a client the way Vault's own CLI does, in this order:
//
//  1. api.DefaultConfig and the VAULT_* environment (VAULT_ADDR,
//     VAULT_CACERT, VAULT_CAPATH, VAULT_CLIENT_CERT, VAULT_SKIP_VERIFY,
//     VAULT_NAMESPACE, VAULT_TOKEN, ...);
//  2. the --address and --namespace flags, which win over the environment;
//  3. when VAULT_TOKEN is empty, the token helper file ~/.vault-token that
//     `vault login` and `sellervault login` write.
//
// # Errors
//
// Every operation takes a context and runs under the client's timeout.
// Failures are *Error values that wrap one of the sentinel kinds
// (ErrNotFound, ErrDenied, ErrConflict, ErrSealed, ErrUnreachable,
// ErrBadRequest), so callers test them with errors.Is. Error text never
// carries request data, only the operation, the path and Vault's own
// message.
package vault
