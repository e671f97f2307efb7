#!/usr/bin/env bash
# Coverage side by side on a debootstrapped Debian 12 minbase root: llmsec's baseline rules per area
# next to Lynis's tests per category, then llmsec's own printed remediations applied to a copy of the
# root and both run again. llmsec audits with --walk, so the file-walk rules count too. Prints Lynis's
# hardening index and llmsec's score before and after, and whether the targets hold (Lynis +20 or
# more, llmsec 90 or more).
#
# Needs root, debootstrap and chroot; the Debian registry for the first run only. The root is built
# once (`debootstrap --variant=minbase --include=lynis bookworm`) and cached in
# $LLMSEC_BENCH_CACHE (default /var/cache/llmsec-bench); each run works on a copy, deleted after
# (the audit JSON and Lynis reports of the last run stay in $LLMSEC_BENCH_CACHE/last-run).
# Lynis runs inside the chroot (Debian's lynis package, installed by debootstrap) with /proc mounted.
# Bounded: debootstrap 30 minutes, each Lynis run 15, each audit 5, at most ROUNDS (default 3)
# rounds of fixing. Builds the project first (npm run build).
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE="${LLMSEC_BENCH_CACHE:-/var/cache/llmsec-bench}"
BASE="$CACHE/bookworm-minbase"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
ROUNDS="${ROUNDS:-3}"

die() {
  echo "coverage: $*" >&2
  exit 2
}
[ "$(id -u)" = 0 ] || die "needs root (debootstrap and chroot)"
command -v debootstrap >/dev/null || die "debootstrap is not installed: apt-get install debootstrap"
# bin/run.js runs the checks compiled in dist/ but reads the rulesets from rulesets/ (the ruleset cache
# in dist/ is used only while those files are unchanged): build now, so both come from this tree.
timeout 600 npm run build >"${TMPDIR:-/tmp}/llmsec-coverage-build.log" 2>&1 ||
  die "npm run build failed (see ${TMPDIR:-/tmp}/llmsec-coverage-build.log)"
[ -x bin/run.js ] && [ -d dist ] || die "dist/ is missing after the build"

if [ ! -x "$BASE/usr/sbin/lynis" ]; then
  mkdir -p "$CACHE"
  rm -rf "$BASE.tmp"
  echo "building the cached root $BASE (debootstrap, a few minutes)..." >&2
  timeout 1800 debootstrap --variant=minbase --include=lynis bookworm "$BASE.tmp" "$MIRROR" \
    >"$CACHE/debootstrap.log" 2>&1 || die "debootstrap failed (see $CACHE/debootstrap.log)"
  mv "$BASE.tmp" "$BASE"
fi

work="$(mktemp -d /var/tmp/llmsec-coverage.XXXXXX)"
cleanup() {
  mkdir -p "$CACHE/last-run"
  cp "$work"/*.json "$work"/*.dat "$CACHE/last-run/" 2>/dev/null || true
  for m in "$work"/*/proc; do mountpoint -q "$m" 2>/dev/null && umount "$m"; done
  rm -rf "$work"
}
trap cleanup EXIT

audit() { # root out.json
  timeout 300 ./bin/run.js audit --root "$1" --ruleset baseline --walk --fail-on none --json >"$2" 2>"$2.err" ||
    die "llmsec audit --root $1 failed: $(head -c 300 "$2.err")"
}
lynis_run() { # root report
  mount -t proc proc "$1/proc"
  timeout 900 chroot "$1" lynis audit system --quick --no-colors --logfile /tmp/lynis.log \
    --report-file /tmp/lynis.dat >/dev/null 2>&1 || true
  umount "$1/proc"
  [ -s "$1/tmp/lynis.dat" ] || die "lynis wrote no report in $1"
  cp "$1/tmp/lynis.dat" "$2"
}
index_of() { sed -n 's/^hardening_index=//p' "$1"; }
score_of() { node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")).score)' "$1"; }

before="$work/before"
cp -a "$BASE" "$before"
audit "$before" "$work/audit-before.json"
lynis_run "$before" "$work/lynis-before.dat"

after="$work/after"
cp -a "$BASE" "$after"
# Packages installed in the chroot must not start daemons here (policy-rc.d(8)); removed at the end.
printf '#!/bin/sh\nexit 101\n' >"$after/usr/sbin/policy-rc.d"
chmod 0755 "$after/usr/sbin/policy-rc.d"
cp "$work/audit-before.json" "$work/audit-round.json"
for round in $(seq "$ROUNDS"); do
  echo "round $round: $(npx tsx bench/coverage-apply.ts "$work/audit-round.json" "$after")" >&2
  audit "$after" "$work/audit-round.json"
done
rm -f "$after/usr/sbin/policy-rc.d"
audit "$after" "$work/audit-after.json"
lynis_run "$after" "$work/lynis-after.dat"

npx tsx bench/coverage-report.ts rulesets/baseline.yaml "$work/audit-before.json" "$work/audit-after.json" \
  "$work/lynis-before.dat" "$work/lynis-after.dat"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
