# sellervault-finance: held by the people who handle the money, through the
# identity group sellervault-finance.
#
# Finance reads and verifies every store's payout record and proposes
# changes to it; a manager approves a proposal before it becomes the payout
# record. Finance reaches a store's logins only through that store's group,
# like any staff member.

path "sellervault/data/_meta/*" {
  capabilities = ["read"]
}
path "sellervault/data/staff/{{identity.entity.name}}" {
  capabilities = ["read"]
}

# Payout records: read all, change none directly.
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

# Payout change proposals: finance creates them and can never change one
# afterwards (no update); a manager's decision is a separate record
# (proposals/payout-decisions/), which finance can read but not write.
path "sellervault/data/proposals/payout/*" {
  capabilities = ["create", "read"]
}
path "sellervault/metadata/proposals/payout/*" {
  capabilities = ["read", "list"]
}
# Verifications of payout details against the marketplace: when, by whom,
# which field (never a value).
path "sellervault/data/verifications/payout/*" {
  capabilities = ["create", "update", "read"]
}
path "sellervault/metadata/verifications/payout/*" {
  capabilities = ["update", "read"]
}
path "sellervault/data/proposals/payout-decisions/*" {
  capabilities = ["read"]
}

path "sellervault-transit/hmac/sellervault-redact" {
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
