# sellervault-store-@STORE@: held by the members of the identity group
# sellervault-store-@STORE@, the staff assigned to store @STORE@.
#
# Written by `sellervault store add` from this template, one policy per
# store. It opens the store's profile, its credentials and their TOTP codes;
# never its payout record and never a TOTP seed.

path "sellervault/data/stores/@STORE@" {
  capabilities = ["read"]
}
path "sellervault/metadata/stores/@STORE@" {
  capabilities = ["read"]
}
path "sellervault/data/stores/@STORE@/creds/*" {
  capabilities = ["read"]
}
path "sellervault/metadata/stores/@STORE@/creds/*" {
  capabilities = ["read", "list"]
}
path "sellervault-totp/code/@STORE@.*" {
  capabilities = ["read"]
}
