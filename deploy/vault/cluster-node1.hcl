# Vault for a sellervault team: node 1 of a 3-node cluster with integrated
# storage (Raft) and TLS. Install as /etc/vault.d/vault.hcl on
# vault-1.example.internal; the three files differ only in node_id, the
# addresses and the retry_join list (the other two nodes). CHANGE: the
# host names and the certificate files (each node's certificate names the
# node; ca.crt is the CA that signed all three).
#
# Run `vault operator init` on one node only; the others join it through
# retry_join once unsealed. Point sellervault at the load balancer of
# deploy/haproxy/haproxy.cfg, which sends clients to the active node, or at
# any node: a standby forwards requests to the active one.

ui            = false
disable_mlock = true

storage "raft" {
  path    = "/opt/vault/data"
  node_id = "vault-1"

  retry_join {
    leader_api_addr     = "https://vault-2.example.internal:8200"
    leader_ca_cert_file = "/etc/vault.d/tls/ca.crt"
  }
  retry_join {
    leader_api_addr     = "https://vault-3.example.internal:8200"
    leader_ca_cert_file = "/etc/vault.d/tls/ca.crt"
  }
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
