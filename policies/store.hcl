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
# The store's credential listing: its credentials' metadata in a few
# records (_meta/listing/@STORE@/NN), which managers write. "+" = ".."
# reaches _meta/listing/@STORE@ and _meta/listing, which hold nothing.
path "sellervault/data/_meta/listing/@STORE@/+" {
  capabilities = ["read"]
}
path "sellervault-totp/code/@STORE@.*" {
  capabilities = ["read"]
}

# Redaction of this store's values: its own index (the HMACs of its
# credentials' values and, if the store is sensitive, of its name) and its
# own Transit key. A member can compute and look up only HMACs of values
# they may read anyway, so neither answers anything about another store.
# "+" = ".." reaches _meta/redact/store-@STORE@ and _meta/redact, which
# hold nothing.
path "sellervault/data/_meta/redact/store-@STORE@/+" {
  capabilities = ["read"]
}
path "sellervault-transit/hmac/sellervault-redact-store-@STORE@" {
  capabilities = ["update"]
}
