#!/usr/bin/env bash
# Build the sellervault release binaries, with SHA-256 checksums.
#
#   bash scripts/release.sh [VERSION] [OUTDIR]
#
# VERSION defaults to `git describe --tags --always --dirty` (or "dev" outside
# a git checkout); it is stamped into the binary, so `sellervault --version`
# prints it. OUTDIR defaults to dist/. The script builds the CLI only
# (./cmd/sellervault), never ./cmd/sellervault-dev, which links Vault's core,
# for these six targets:
#
#   windows/amd64 windows/arm64 darwin/amd64 darwin/arm64 linux/amd64 linux/arm64
#
# into OUTDIR/sellervault_VERSION_OS_ARCH (".exe" on Windows), and writes
# OUTDIR/SHA256SUMS in sha256sum's format (check with `sha256sum -c SHA256SUMS`
# or `shasum -a 256 -c SHA256SUMS`). Builds are static (CGO_ENABLED=0), with
# -trimpath and stripped symbols; RELEASE_JOBS (default 2) is how many
# targets build at the same time.
#
# Needs Go (the version go.mod asks for), bash, and sha256sum or shasum; the
# modules come from the module cache or GOPROXY, like any `go build`.
# cmd/sellervault/release_test.go runs this script on every `go test ./...`.
set -euo pipefail

targets=(windows/amd64 windows/arm64 darwin/amd64 darwin/arm64 linux/amd64 linux/arm64)

die() {
  printf 'release.sh: %s\n' "$*" >&2
  exit 1
}

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

[ "$#" -le 2 ] || die "usage: bash scripts/release.sh [VERSION] [OUTDIR]"
command -v go >/dev/null 2>&1 || die "go is not on PATH: install Go (the version in go.mod) first"

# sha256sum on Linux, shasum on macOS: both print "DIGEST  NAME".
if command -v sha256sum >/dev/null 2>&1; then
  sha256() { sha256sum -- "$@"; }
elif command -v shasum >/dev/null 2>&1; then
  sha256() { shasum -a 256 -- "$@"; }
else
  die "neither sha256sum nor shasum is on PATH: install coreutils"
fi

version=${1:-}
if [ -z "$version" ]; then
  version=$(git describe --tags --always --dirty 2>/dev/null || true)
  version=${version:-dev}
fi
# The version goes into file names and into -ldflags, which splits on spaces:
# allow only what a tag or `git describe` produces.
case "$version" in
  *[!A-Za-z0-9._+-]* | -*) die "version \"$version\" may hold only letters, digits and . _ + - (and not start with -)" ;;
esac

outdir=${2:-dist}
jobs=${RELEASE_JOBS:-2}
case "$jobs" in
  '' | *[!0-9]* | 0) die "RELEASE_JOBS=\"$jobs\" must be a positive number" ;;
esac

mkdir -p -- "$outdir" || die "cannot create the output folder $outdir"
outdir=$(cd -- "$outdir" && pwd)
# A checksum file from an earlier run must not outlive a failed one.
rm -f -- "$outdir/SHA256SUMS"

# The package variable `sellervault --version` prints (internal/app.Version).
app_pkg=$(go list ./internal/app) || die "cannot find the package ./internal/app: is this the sellervault repository?"
ldflags="-s -w -X ${app_pkg}.Version=${version}"

logs=$(mktemp -d)
trap 'rm -rf -- "$logs"' EXIT

# build OS ARCH FILE: one static, trimmed, stripped build of the CLI,
# without urfave/cli's Markdown and man-page writers (urfave_cli_no_docs:
# sellervault uses neither, and their tables cost every start). The
# GOAMD64/GOARM64 levels are pinned to the baseline, so a value set in the
# caller's environment cannot make a binary that older machines refuse.
build() {
  local os=$1 arch=$2 file=$3
  CGO_ENABLED=0 GOOS="$os" GOARCH="$arch" GOAMD64=v1 GOARM64=v8.0 \
    go build -trimpath -tags urfave_cli_no_docs -ldflags "$ldflags" -o "$outdir/$file" ./cmd/sellervault
}

printf 'release.sh: building sellervault %s for %d targets into %s (%s at a time)\n' \
  "$version" "${#targets[@]}" "$outdir" "$jobs" >&2
start=$SECONDS

files=()     # the binaries, in the order of targets
pids=()      # the running builds
running=()   # their targets, for the error message
failed=0

# finish_oldest waits for the oldest running build and reports a failure
# with its compiler output.
finish_oldest() {
  local pid=${pids[0]} target=${running[0]}
  pids=("${pids[@]:1}")
  running=("${running[@]:1}")
  if ! wait "$pid"; then
    printf 'release.sh: the build for %s failed:\n' "$target" >&2
    cat -- "$logs/${target//\//_}.log" >&2
    failed=1
  fi
}

for target in "${targets[@]}"; do
  os=${target%/*}
  arch=${target#*/}
  file="sellervault_${version}_${os}_${arch}"
  if [ "$os" = windows ]; then file="$file.exe"; fi
  files+=("$file")
  while [ "${#pids[@]}" -ge "$jobs" ]; do finish_oldest; done
  build "$os" "$arch" "$file" >"$logs/${os}_${arch}.log" 2>&1 &
  pids+=("$!")
  running+=("$target")
done
while [ "${#pids[@]}" -gt 0 ]; do finish_oldest; done
[ "$failed" -eq 0 ] || die "some builds failed (above); no SHA256SUMS was written"

(cd -- "$outdir" && sha256 "${files[@]}" >SHA256SUMS.tmp && mv -- SHA256SUMS.tmp SHA256SUMS) ||
  die "cannot write $outdir/SHA256SUMS"

# What was built: name, size and digest, one line each.
printf 'release.sh: built %d binaries in %ds:\n' "${#files[@]}" "$((SECONDS - start))" >&2
while read -r digest name; do
  bytes=$(wc -c <"$outdir/$name")
  awk -v f="$outdir/$name" -v b="$bytes" -v d="$digest" 'BEGIN { printf "%s  %.1f MB  sha256:%s\n", f, b / 1048576, d }'
done <"$outdir/SHA256SUMS"
printf '%s\n' "$outdir/SHA256SUMS"
