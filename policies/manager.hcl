# sellervault-manager: held by the team's managers (owners), through the
# identity group sellervault-managers.
#
# Managers run the team vault: they add stores, credentials, contacts and
# payout records, import TOTP seeds, onboard and offboard staff, approve
# payout changes and re-run `sellervault init`. They are trusted
# administrators of this team's part of Vault: the per-store policies they
# write could grant anything, so every write is in Vault's audit log.
# Nothing here reads a TOTP seed back: the TOTP engine has no such path for
# imported keys.

# Records: read, write and soft-delete anything. History is kept: no
# destroy, and no delete on metadata/ (which would erase every version).
path "sellervault/data/*" {
  capabilities = ["create", "read", "update", "patch", "delete", "list"]
}
path "sellervault/metadata/*" {
  capabilities = ["create", "read", "update", "patch", "list"]
}
path "sellervault/delete/*" {
  capabilities = ["update"]
}
path "sellervault/undelete/*" {
  capabilities = ["update"]
}
path "sellervault/config" {
  capabilities = ["read"]
}

# TOTP: import and remove keys, get codes.
path "sellervault-totp/keys" {
  capabilities = ["list"]
}
path "sellervault-totp/keys/*" {
  capabilities = ["create", "update", "read", "delete", "list"]
}
path "sellervault-totp/code/*" {
  capabilities = ["read"]
}

# Redaction: compute keyed HMACs; the key itself never leaves Vault.
path "sellervault-transit/keys/sellervault-redact" {
  capabilities = ["read"]
}
path "sellervault-transit/hmac/sellervault-redact" {
  capabilities = ["update"]
}

# People: entities, aliases, userpass logins, group memberships.
path "identity/entity" {
  capabilities = ["create", "update"]
}
path "identity/entity/*" {
  capabilities = ["create", "read", "update", "delete", "list"]
}
path "identity/entity-alias" {
  capabilities = ["create", "update"]
}
path "identity/entity-alias/*" {
  capabilities = ["create", "read", "update", "delete", "list"]
}
path "identity/lookup/entity" {
  capabilities = ["update"]
}
path "identity/group/name/sellervault-*" {
  capabilities = ["create", "read", "update", "delete"]
}
path "identity/group/id/*" {
  capabilities = ["read"]
}
path "auth/userpass/users/*" {
  capabilities = ["create", "read", "update", "delete", "list"]
}
path "auth/token/revoke-accessor" {
  capabilities = ["update"]
}
# Offboarding ends every session of a leaver: all tokens issued through
# their userpass login.
path "sys/leases/revoke-prefix/auth/userpass/login/*" {
  capabilities = ["update", "sudo"]
}
path "auth/approle/role/sellervault-*" {
  capabilities = ["create", "read", "update", "list"]
}
path "sys/wrapping/wrap" {
  capabilities = ["update"]
}

# Per-store access policies are written when stores are added.
path "sys/policies/acl/sellervault-store-*" {
  capabilities = ["create", "read", "update", "delete"]
}
path "sys/policies/acl/sellervault-*" {
  capabilities = ["read"]
}

# Enough of sys to check `sellervault init` and report status.
path "sys/mounts" {
  capabilities = ["read"]
}
path "sys/auth" {
  capabilities = ["read"]
}
