#!/usr/bin/env bash
# Times `llmsec audit --ruleset all` (every built-in ruleset) against `lynis audit system --quick`
# on this machine, in one run, and prints both wall times, the ratio (target ≤ 1/50 = 0.02×) and the load. Run after `npm run build`.
# Needs Debian's lynis (apt-get install lynis). Bounded: RUNS runs of llmsec (default 3), one lynis
# run (each killed after 15 minutes); lynis writes its log and report to a temp dir, deleted after.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${RUNS:-3}"
if ! command -v lynis >/dev/null 2>&1; then
  echo "lynis is not installed: apt-get install lynis" >&2
  exit 2
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

now_ms() { date +%s%3N; }

best=""
for _ in $(seq "$RUNS"); do
  start=$(now_ms)
  timeout 900 ./bin/run.js audit --ruleset all --fail-on none --json >"$tmp/audit.json" || true
  elapsed=$(($(now_ms) - start))
  if [ -z "$best" ] || [ "$elapsed" -lt "$best" ]; then best=$elapsed; fi
done
rules=$(node -e 'const a=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));console.log(a.rules.length+" distinct rules in "+a.rulesets.length+" rulesets, score "+a.score)' "$tmp/audit.json" || echo 'no JSON output')

start=$(now_ms)
timeout 900 lynis audit system --quick --no-colors --logfile "$tmp/lynis.log" --report-file "$tmp/lynis.dat" >/dev/null 2>&1 || true
lynis_ms=$(($(now_ms) - start))
tests=$(grep -c '^tests_executed\|Performing test ID' "$tmp/lynis.log" 2>/dev/null || echo '?')

echo "llmsec audit --ruleset all : ${best} ms (best of ${RUNS}; ${rules})"
echo "lynis audit system --quick : ${lynis_ms} ms (${tests} lynis tests)"
node -e 'const r=Number(process.argv[1])/Number(process.argv[2]);console.log(`ratio llmsec/lynis: ${r.toFixed(4)}× = 1/${Math.round(1/r)} (target ≤ 1/50: ${r<=0.02?"met":"NOT met"})`)' "$best" "$lynis_ms"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
