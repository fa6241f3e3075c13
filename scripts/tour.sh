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

printf '\nThe example team (maria: manager, farid: finance, olga: staff on acme-us,\n'
printf 'tom: staff on acme-de) is in Vault as identities with per-store groups.\n'
printf 'Later capabilities add their records and commands to this tour.\n'
