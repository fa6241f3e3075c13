// Package hatest runs sellervault against Vault's in-process Raft test
// cluster (three cores with integrated storage, request forwarding and
// TLS, as vault.NewTestCluster builds it), pointed at a standby, and makes
// the active node fail in the middle of long commands. It holds tests
// only; it links Vault's core, as internal/devvault does, and nothing that
// ships imports it.
package hatest
