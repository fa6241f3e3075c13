# sellervault-finance: held by the people who handle the money, through the
# identity group sellervault-finance.
#
# Finance reads and verifies every store's payout record and proposes
# changes to it; a manager approves a proposal before it becomes the payout
# record. Finance reaches a store's logins only through that store's group,
# like any staff member.
#
# Finance writes only in mounts of their own: proposals in
# sellervault-proposals/ (create, never update) and verifications in
# sellervault-verifications/. A dot-segment from there reaches only other
# proposals or verifications, never a record anyone else writes. Who
# proposed or verified is proven by an HMAC with the person's own Transit
# key (person-ENTITYID), which only that person may use; when comes from
# Vault's version time. In the records mount, no grant ends in a glob.

path "sellervault/data/_meta/settings" {
  capabilities = ["read"]
}
path "sellervault/data/_meta/init" {
  capabilities = ["read"]
}
path "sellervault/data/_meta/domains" {
  capabilities = ["read"]
}
# Redaction of payout numbers: the payout audience's index and key
# (finance and managers read every payout record anyway).
path "sellervault/data/_meta/redact/payout/+" {
  capabilities = ["read"]
}
path "sellervault-transit/hmac/sellervault-redact-payout" {
  capabilities = ["update"]
}
path "sellervault/data/staff/{{identity.entity.name}}" {
  capabilities = ["read"]
}

# Payout records: read all, change none directly. "+" = ".." reaches
# keys "payout" and "" of the records mount, which hold no record.
path "sellervault/metadata/stores/" {
  capabilities = ["list"]
}
path "sellervault/metadata/stores/+" {
  capabilities = ["read"]
}
path "sellervault/data/stores/+/payout" {
  capabilities = ["read"]
}
path "sellervault/metadata/stores/+/payout" {
  capabilities = ["read"]
}
# A manager's decisions on payout changes (decisions/payout/STORE/ID):
# read only. Dot-segments reach decisions/* only.
path "sellervault/data/decisions/payout/+/+" {
  capabilities = ["read"]
}

# Payout change proposals: created once, never changed (no update), in a
# mount that holds nothing else.
path "sellervault-proposals/data/payout/+/+" {
  capabilities = ["create", "read"]
}
path "sellervault-proposals/metadata/payout/" {
  capabilities = ["list"]
}
path "sellervault-proposals/metadata/payout/+/" {
  capabilities = ["list"]
}
path "sellervault-proposals/metadata/payout/+/+" {
  capabilities = ["read"]
}

# Verifications of payout details against the marketplace: which field,
# signed; when is the version's time.
path "sellervault-verifications/data/payout/+" {
  capabilities = ["create", "update", "read"]
}
path "sellervault-verifications/metadata/payout/+" {
  capabilities = ["read"]
}

# The person's own signing key: created on first use, usable by them only.
path "sellervault-transit/keys/person-{{identity.entity.id}}" {
  capabilities = ["create", "update", "read"]
}
path "sellervault-transit/hmac/person-{{identity.entity.id}}" {
  capabilities = ["update"]
}

path "identity/entity/id/{{identity.entity.id}}" {
  capabilities = ["read"]
}
path "auth/userpass/users/{{identity.entity.aliases.@USERPASS_ACCESSOR@.name}}/password" {
  capabilities = ["update"]
}
path "sellervault-totp/keys/*" {
  capabilities = ["deny"]
}
