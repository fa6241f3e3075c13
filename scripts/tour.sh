#!/usr/bin/env bash
# The sellervault tour: each step shows a command and what it prints.
#
# Run it against the embedded dev Vault with the example team:
#   go run ./cmd/sellervault-dev --demo -- bash scripts/tour.sh
# sellervault-dev sets VAULT_ADDR and VAULT_TOKEN (a throw-away root token)
# for this script; every value in the demo team is fake.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
(cd "$root" && go build -o "$bin/sellervault" ./cmd/sellervault)
export PATH="$bin:$PATH"

# show prints a step's title, the command, and runs it; a non-zero exit is
# shown, not fatal, where the step expects one.
show() {
  local title=$1; shift
  if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then
    printf '\n\033[1m## %s\033[0m\n' "$title"
  else
    printf '\n## %s\n' "$title"
  fi
  printf '$ %s\n' "$*"
  local rc=0
  "$@" 2>&1 || rc=$?
  [ "$rc" -eq 0 ] || printf '(exit status %d)\n' "$rc"
}

# show_secret is show for a command that reads a secret on stdin: the
# tour feeds it a freshly generated fake password, never shown.
show_secret() {
  local title=$1; shift
  printf '\n## %s\n$ %s   # a generated password on stdin\n' "$title" "$*"
  local rc=0
  head -c 18 /dev/urandom | base64 | "$@" 2>&1 || rc=$?
  [ "$rc" -eq 0 ] || printf '(exit status %d)\n' "$rc"
}

show "Which Vault am I talking to, and who am I?" \
  sellervault status

show "sellervault-dev already ran init; running it again changes nothing" \
  sellervault init

show "The same as JSON, with stable keys, for scripts" \
  sellervault status --format json

show "Exit codes are fixed, so scripts and cron jobs can act on them" \
  sellervault help exit-codes

show "An unreachable Vault: exit 6 and a hint" \
  sellervault status --address http://127.0.0.1:1

show "A token Vault does not know: exit 4, and the token is never echoed" \
  env VAULT_TOKEN=hvs.this-token-is-made-up sellervault status

show "The example team's stores" \
  sellervault store list

show "Their credentials: a listing reads metadata only, never a password" \
  sellervault cred list

show_secret "Add a credential: the password comes from a prompt, stdin or a file, never a flag" \
  sellervault cred add acme-us/brand-registry --login ops-us@acme.example \
  --url https://brandregistry.amazon.com --owner maria --assignees olga \
  --recovery-email ops-us@acme.example --rotate-every 90d

show "A credential, with its password masked" \
  sellervault cred get acme-us/brand-registry

show "Copy the password: read back to verify, cleared after 45 s if still ours (needs a clipboard: xclip or xsel)" \
  sellervault cred get acme-us/brand-registry --field password --copy

show "2-step verification: the seed is in Vault's TOTP engine; staff get codes, never the seed" \
  sellervault totp code acme-us/seller-central

show "Who can recover each login? Personal or unassigned recovery factors are flagged" \
  sellervault cred list --factors

show "Company mailboxes and phones, with who holds them" \
  sellervault email list

show "Payout details: validated and masked; who approved them" \
  sellervault payout show acme-de

show "A payout change waits for a second person and a cooling-off period" \
  sellervault payout requests

show "Every change is a new version: when, and by whom (never the values)" \
  sellervault cred history acme-us/brand-registry

show "Rotation: what is overdue and due soon, from metadata only; exit 10 when something is overdue" \
  sellervault rotation status

show "Rotate safely: the new password is pending beside the current one, which keeps working" \
  sellervault rotate acme-us/advertising --preset amazon --clear-after 0

show "While pending, both are there: nobody is locked out if the site's change fails" \
  sellervault cred get acme-us/advertising --pending

show "The site took the new password: confirm it (check-and-set, so two rotations cannot both land)" \
  sellervault rotate acme-us/advertising --confirm

show "A leak is suspected: mark a record due now, by hand" \
  sellervault rotation due ops-us@acme.example

# The reminder job: a manager issues its AppRole login once; the job runs
# on a schedule with it (README: systemd timer, cron). Here it sends to
# sellervault-dev's demo webhook receiver.
work=$(mktemp -d)
trap 'rm -rf "$bin" "$work"' EXIT
show "Issue the reminder job's AppRole login: the secret ID goes to a new file, mode 600" \
  sellervault rotation remind-setup --secret-id-file "$work/secret-id"
role_id=$(sellervault rotation remind-setup --secret-id-file "$work/secret-id2" --format json 2>/dev/null |
  sed -n 's/.*"role_id": "\(.*\)".*/\1/p')
(umask 077 && printf '{"channels": [{"name": "demo-hook", "type": "webhook", "url": "%s"}]}\n' \
  "${SELLERVAULT_DEMO_WEBHOOK:?run the tour under sellervault-dev --demo}" >"$work/channels.json")
show "The scheduled reminder: metadata only, grouped by person, one message per channel" \
  env VAULT_TOKEN= sellervault rotation remind --role-id "$role_id" --secret-id-file "$work/secret-id2" --channels "$work/channels.json"

show "Run again within the quiet period: the same reminder is not repeated" \
  env VAULT_TOKEN= sellervault rotation remind --role-id "$role_id" --secret-id-file "$work/secret-id2" --channels "$work/channels.json"

show "Before text goes to a chat: known values and secret-shaped strings are redacted (each member through the indexes of what they may read, and by pattern: phones, the team's addresses, IBANs, keys)" \
  bash -c "printf 'login OPS-US@ACME.EXAMPLE, code goes to +1 (415) 555-0100, payout DE89 3704 0044 0532 0130 00\\n' | sellervault redact"

show "An inventory for audits and spreadsheets: owners, rotation dates, masked identifiers, no values" \
  sellervault export --format csv

show "A mail that poses as the marketplace: the sender is checked against the reviewed allowlist" \
  sellervault check sender "Amazon Seller Central <seller-alert@amaz0n-security.com>"

show "A link is checked before it is opened" \
  sellervault check url https://sellercentral.amazon.com.example.net/signin

# olga's day: she runs the store acme-us, with her own login. Here her
# token is in a home of her own, as `sellervault login` leaves it
# (~/.vault-token); sellervault-dev --demo made it.
as_olga() { env -u VAULT_TOKEN HOME="${SELLERVAULT_DEMO_HOMES:?run the tour under sellervault-dev --demo}/olga" "$@"; }

show "olga's day: her stores, from her own login (no manager needed)" \
  as_olga sellervault store list

show "olga: the logins she may use, without naming a store" \
  as_olga sellervault cred list

show "olga: the picker (\`sellervault open\`, or \`sellervault\` alone on a terminal) after she types \"seller\"; here its plain-text form" \
  as_olga sellervault open --preview seller

show "olga: a 2-step code for her store's Seller Central (never the seed)" \
  as_olga sellervault totp code acme-us/seller-central

show "olga: copy the password, read back and cleared after 45 s (needs a clipboard)" \
  as_olga sellervault cred get acme-us/seller-central --field password --copy

show "olga: what she must rotate: her store's logins; exit 10 when something is overdue" \
  as_olga sellervault rotation status

show "olga: her own staff record, with what she owns or is assigned" \
  as_olga sellervault staff show olga

show "olga: another store is not hers, and the refusal says so" \
  as_olga sellervault cred list --store acme-de

show "olga: what her redaction covers: her store's values by index, the rest by pattern" \
  as_olga bash -c "printf 'login OPS-US@ACME.EXAMPLE, call +1 (415) 555-0100\\n' | sellervault redact"

printf '\nThe example team (maria: manager, farid: finance, olga: ops on acme-us,\n'
printf 'tom: ops on acme-de) is in Vault as real members: identities, logins,\n'
printf 'per-store groups and staff records. Every value in it is fake.\n'
