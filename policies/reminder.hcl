# sellervault-reminder: held by the scheduled reminder job, through the
# AppRole role sellervault-reminder (cron, a systemd timer, a CI schedule).
#
# The job reads rotation facts, owners and due dates from KV metadata and
# nothing else: it can list and read metadata, and every path that returns
# a value is denied, so a stolen job credential leaks no secret.

path "sellervault/metadata/*" {
  capabilities = ["read", "list"]
}
path "sellervault/data/*" {
  capabilities = ["deny"]
}
path "sellervault-totp/*" {
  capabilities = ["deny"]
}
path "sellervault-transit/*" {
  capabilities = ["deny"]
}
# When each store's payout was last verified: the version times.
path "sellervault-verifications/metadata/*" {
  capabilities = ["read", "list"]
}
path "sellervault-verifications/data/*" {
  capabilities = ["deny"]
}

# Its own notes it may write, in a mount that holds nothing else: when
# each channel last reminded each person of what (metadata entries without
# data, CHANNEL/PERSON), so a run within the quiet period does not repeat
# the same reminder. A dot-segment from here reaches only other notes.
path "sellervault-reminders/metadata/+/+" {
  capabilities = ["create", "update", "read"]
}
path "sellervault-reminders/data/*" {
  capabilities = ["deny"]
}
