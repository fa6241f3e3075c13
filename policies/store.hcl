# sellervault-store-@STORE@: held by the members of the identity group
# sellervault-store-@STORE@, the staff assigned to store @STORE@.
#
# Written by `sellervault store add` (and `sellervault init`) from this
# template, one policy per store. It opens the store's profile, its
# credentials and their TOTP codes; never its payout record and never a
# TOTP seed.
#
# Credential paths end in "+" (one segment), never in a glob: with a glob,
# an encoded dot-segment (creds/%2e%2e/%2e%2e/other-store/...) would reach
# every record of the mount. "+" = ".." reaches the store's profile,
# which this policy grants anyway. The TOTP engine's code route takes no
# slashes, so its glob reaches only this store's codes.

path "sellervault/data/stores/@STORE@" {
  capabilities = ["read"]
}
path "sellervault/metadata/stores/@STORE@" {
  capabilities = ["read"]
}
path "sellervault/data/stores/@STORE@/creds/+" {
  capabilities = ["read"]
}
path "sellervault/metadata/stores/@STORE@/creds/" {
  capabilities = ["list"]
}
path "sellervault/metadata/stores/@STORE@/creds/+" {
  capabilities = ["read"]
}
path "sellervault-totp/code/@STORE@.*" {
  capabilities = ["read"]
}
