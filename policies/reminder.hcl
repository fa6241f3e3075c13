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

# Its own notes, and nothing else, it may write: when each channel last
# reminded each person of what (metadata entries without data, under
# _meta/reminders/), so a run within the quiet period does not repeat
# the same reminder.
path "sellervault/metadata/_meta/reminders/*" {
  capabilities = ["create", "update", "read", "list"]
}
