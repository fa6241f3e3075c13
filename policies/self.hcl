# sellervault-self: held by every person's token (set on their userpass
# login) and by the reminder job's token, instead of Vault's default
# policy. The default policy allows sys/wrapping/wrap with any TTL, so a
# member could wrap a copy of what they read that outlives their
# offboarding; this policy gives only what a token needs for itself:
# look up, renew and revoke itself, and ask what it may do.

path "auth/token/lookup-self" {
  capabilities = ["read"]
}
path "auth/token/renew-self" {
  capabilities = ["update"]
}
path "auth/token/revoke-self" {
  capabilities = ["update"]
}
# No unwrap grant: the single-use token of a first login is unwrapped
# with itself, which needs no policy.
# What may I do on a path (the CLI's hints; tests ask Vault's ACL engine).
path "sys/capabilities-self" {
  capabilities = ["update"]
}
