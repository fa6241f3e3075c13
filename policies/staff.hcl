# sellervault-staff: held by operations staff and virtual assistants,
# through the identity group sellervault-staff.
#
# This policy alone opens no store. A staff member reaches a store's
# credentials and TOTP codes only through that store's group
# (sellervault-store-STORE, policy from store.hcl), which managers set at
# onboarding. What is denied here stays denied whatever else is granted.
#
# No path here ends in a glob (*): Vault matches policies before the KV
# engine cleans dot-segments, so a glob would reach the whole mount. A
# path ending in "+" is one segment only; "+" = ".." reaches its parent,
# which is either granted too or holds no record.
# Response wrapping is not capped per grant: Vault's max_wrapping_ttl makes
# wrapping mandatory on the path. Instead tokens carry no default policy
# (no sys/wrapping/wrap), and offboarding revokes every response-wrapping
# token made from a team path.

# Team settings, the init marker and the caller's own staff record. The
# redaction indexes and keys a member may use come with their stores'
# policies: none is shared by every member.
path "sellervault/data/_meta/settings" {
  capabilities = ["read"]
}
path "sellervault/data/_meta/init" {
  capabilities = ["read"]
}
# The team's mail domains: redaction masks any address of them.
path "sellervault/data/_meta/domains" {
  capabilities = ["read"]
}
path "sellervault/data/staff/{{identity.entity.name}}" {
  capabilities = ["read"]
}

# Who am I, and change my own password.
path "identity/entity/id/{{identity.entity.id}}" {
  capabilities = ["read"]
}
path "auth/userpass/users/{{identity.entity.aliases.@USERPASS_ACCESSOR@.name}}/password" {
  capabilities = ["update"]
}

# Never for staff: payout details, TOTP keys (only codes, via the store
# policy), and writes to records.
path "sellervault/data/stores/+/payout" {
  capabilities = ["deny"]
}
path "sellervault-totp/keys/*" {
  capabilities = ["deny"]
}
