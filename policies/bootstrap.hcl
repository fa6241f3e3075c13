# sellervault-bootstrap: held by a short-lived token that runs
# `sellervault init` on a fresh Vault and onboards the first manager
# (`sellervault init --first-manager NAME`); later, by the token of an init
# that adds an audit device. Nobody holds it day to day.
#
# An operator writes it with Vault's root token (or an existing admin),
# makes one token with it (`vault token create -policy=sellervault-bootstrap
# -ttl=1h -orphan`), runs init with that token and revokes it. It is an
# administrator's power over sellervault's part of Vault: it writes the
# policies and groups that every member's access comes from, so treat the
# token like root and revoke it as soon as init has run.
#
# `sellervault init --print-admin-policy` prints this file for the chosen
# mount prefix followed by manager.hcl: the first manager is onboarded, and
# an upgrade migrates records, with a manager's rights. What follows is
# only what init needs beyond them.

# Mount the records, TOTP, Transit, proposals, verifications and reminder
# engines (sellervault, sellervault-totp, ...), and read the mount table.
# A dot-segment from this glob reaches sys/mounts/OTHER: the token can
# mount and tune engines elsewhere too, which is why it lives for one run.
path "sys/mounts/sellervault" {
  capabilities = ["create", "read", "update"]
}
path "sys/mounts/sellervault-*" {
  capabilities = ["create", "read", "update"]
}

# Enable the userpass and AppRole logins (enabling an auth method needs
# sudo) and read the auth table.
path "sys/auth/userpass" {
  capabilities = ["create", "read", "update", "sudo"]
}
path "sys/auth/approle" {
  capabilities = ["create", "read", "update", "sudo"]
}

# `init --audit-file PATH`: the file audit device sellervault-audit, and
# the list of audit devices (both need sudo).
path "sys/audit" {
  capabilities = ["read", "sudo"]
}
path "sys/audit/sellervault-audit" {
  capabilities = ["create", "update", "sudo"]
}

# The role policies (manager, finance, staff, reminder, self), which
# managers may only read.
path "sys/policies/acl/sellervault-*" {
  capabilities = ["create", "read", "update"]
}

# The reminder job's AppRole role and the policies it carries: only init
# writes the role's settings (managers may only issue its secret IDs).
path "auth/approle/role/sellervault-reminder" {
  capabilities = ["create", "read", "update"]
}

# Migrations from older layouts delete a Transit key they replaced (the
# shared redaction key of schema 2): allow its deletion, then delete it.
path "sellervault-transit/keys/sellervault-redact" {
  capabilities = ["read", "delete"]
}
path "sellervault-transit/keys/sellervault-redact/config" {
  capabilities = ["update"]
}
