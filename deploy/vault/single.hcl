# Vault for a sellervault team: one server with integrated storage (Raft)
# on local disk and TLS. Install as /etc/vault.d/vault.hcl; the unit
# deploy/systemd/vault.service runs it. CHANGE: the host name in api_addr
# and cluster_addr, and the certificate files (the name clients use must
# be in the certificate).
#
# The audit device is not configured here: `sellervault init --audit-file
# /var/log/vault/sellervault-audit.log` enables it (deploy/logrotate rotates
# it). Seal: Shamir unseal keys by default (see deploy/README.md); for
# auto-unseal add a "seal" stanza for your KMS.

ui = false

# Raft keeps its data in memory-mapped files; the Vault guide for
# integrated storage asks for mlock off and swap disabled on the host.
disable_mlock = true

storage "raft" {
  path    = "/opt/vault/data"
  node_id = "vault-1"
}

listener "tcp" {
  address         = "0.0.0.0:8200"
  cluster_address = "0.0.0.0:8201"
  tls_cert_file   = "/etc/vault.d/tls/vault.crt"
  tls_key_file    = "/etc/vault.d/tls/vault.key"
  tls_min_version = "tls12"
}

api_addr     = "https://vault-1.example.internal:8200"
cluster_addr = "https://vault-1.example.internal:8201"
