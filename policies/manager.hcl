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

# Payout change requests (finance creates them) and verifications, each in
# a mount of its own; the reminder job's notes. Managers read them and may
# write there too; decisions are records of the records mount
# (decisions/payout/STORE/ID).
path "sellervault-proposals/data/*" {
  capabilities = ["create", "read", "list"]
}
path "sellervault-proposals/metadata/*" {
  capabilities = ["create", "read", "update", "list"]
}
path "sellervault-verifications/data/*" {
  capabilities = ["create", "read", "update", "list"]
}
path "sellervault-verifications/metadata/*" {
  capabilities = ["create", "read", "update", "list"]
}
path "sellervault-reminders/metadata/*" {
  capabilities = ["create", "read", "update", "list"]
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

# Redaction: one Transit key per audience (each store, payout, contacts),
# created with the store; keyed HMACs of every audience's values (managers
# read them all anyway). The keys never leave Vault. The contacts key also
# names mailbox and phone records (a keyed ID, not the value, in the path).
# Transit creates a key on update. A dot-segment from this glob finds no
# Transit route (key names take no slash): Vault answers "unsupported path".
# The glob also opens the keys' rotate, config and trim routes: every HMAC
# sellervault makes is of a key's first version, so a rotation changes
# nothing; trimming that version away (after a rotation and a config
# change) would break redaction and contact lookups, on purpose and in the
# audit log, like any other destruction by a manager.
path "sellervault-transit/keys/sellervault-redact-*" {
  capabilities = ["create", "update", "read"]
}
path "sellervault-transit/hmac/sellervault-redact-*" {
  capabilities = ["update"]
}
# Who proposed or verified a payout change: check the HMAC a person made
# with their own key (verify only: a manager cannot make one for them).
path "sellervault-transit/verify/person-*" {
  capabilities = ["update"]
}
# A manager's own signing key, like finance's.
path "sellervault-transit/keys/person-{{identity.entity.id}}" {
  capabilities = ["create", "update", "read"]
}
path "sellervault-transit/hmac/person-{{identity.entity.id}}" {
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
# Offboarding revokes the wrapped responses of team records (wrapping
# tokens are orphans: revoking the leaver's tokens leaves them alive).
path "auth/token/accessors" {
  capabilities = ["list", "sudo"]
}
path "auth/token/lookup-accessor" {
  capabilities = ["update"]
}
# Offboarding ends every session of a leaver: all tokens issued through
# their userpass login.
path "sys/leases/revoke-prefix/auth/userpass/login/*" {
  capabilities = ["update", "sudo"]
}
# The reminder job's login: read its role, issue, look up, list and
# destroy its secret IDs. Not the role's settings (its policies): only
# `sellervault init`, with an admin token, writes them, so a manager cannot
# make an AppRole that carries any policy and outlives their offboarding.
path "auth/approle/role/sellervault-reminder" {
  capabilities = ["read"]
}
path "auth/approle/role/sellervault-reminder/role-id" {
  capabilities = ["read"]
}
path "auth/approle/role/sellervault-reminder/secret-id" {
  capabilities = ["update", "list"]
}
path "auth/approle/role/sellervault-reminder/secret-id/lookup" {
  capabilities = ["update"]
}
path "auth/approle/role/sellervault-reminder/secret-id-accessor/destroy" {
  capabilities = ["update"]
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
# The records mount's settings; the mounts of proposals, verifications
# and reminder notes that `sellervault init` adds on an upgrade.
path "sellervault/config" {
  capabilities = ["read", "update"]
}
path "sellervault-proposals/config" {
  capabilities = ["read", "update"]
}
path "sellervault-verifications/config" {
  capabilities = ["read", "update"]
}
path "sellervault-reminders/config" {
  capabilities = ["read", "update"]
}
path "sys/mounts/sellervault-proposals" {
  capabilities = ["create", "read", "update"]
}
path "sys/mounts/sellervault-verifications" {
  capabilities = ["create", "read", "update"]
}
path "sys/mounts/sellervault-reminders" {
  capabilities = ["create", "read", "update"]
}

# Enough of sys to check `sellervault init` and report status.
path "sys/mounts" {
  capabilities = ["read"]
}
path "sys/auth" {
  capabilities = ["read"]
}
