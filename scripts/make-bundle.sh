#!/usr/bin/env bash
# Builds an offline install bundle of llmsec: the packed package with its production dependencies
# (no dev, no optional: GGUF support is left out), as one .tgz that hosts unpack without a registry.
# Usage: scripts/make-bundle.sh <output-dir> [--offline]
#   --offline installs the dependencies from the local npm cache only (as CI does after `npm ci`).
# Run after `npm run build`. Prints the bundle's path. Hosts need Node.js >= 20.19.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:?usage: scripts/make-bundle.sh <output-dir> [--offline]}"
offline=()
if [ "${2:-}" = "--offline" ]; then offline=(--offline); fi
mkdir -p "$out"
out="$(cd "$out" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tarball="$(npm pack --silent --pack-destination "$work" | tail -n 1)"
tar -xzf "$work/$tarball" -C "$work"
cp package-lock.json "$work/package/"
(cd "$work/package" && npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund --loglevel=error "${offline[@]}")
bundle="$out/${tarball%.tgz}-bundle.tgz"
tar -czf "$bundle.tmp" -C "$work" package
mv "$bundle.tmp" "$bundle"
echo "$bundle"
