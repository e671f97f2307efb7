// Prints bench/coverage.sh's table: llmsec baseline rules per area (the section comments of
// baseline.yaml), failing before and after the fixes, next to Lynis's executed tests per category
// (the test id prefix), then the scores and whether the targets hold.
// Usage: npx tsx bench/coverage-report.ts BASELINE_YAML AUDIT_BEFORE AUDIT_AFTER LYNIS_BEFORE LYNIS_AFTER
import {readFileSync} from 'node:fs'

const [yamlPath, auditBefore, auditAfter, lynisBefore, lynisAfter] = process.argv.slice(2)
if (!lynisAfter) {
  console.error('usage: node bench/coverage-report.mjs BASELINE_YAML AUDIT_BEFORE AUDIT_AFTER LYNIS_BEFORE LYNIS_AFTER')
  process.exit(2)
}

/** Rule id → the nearest comment heading above it in baseline.yaml (`# --- network ---`, `# Mounts (…)`). */
function areas(text: string): Map<string, string> {
  const out = new Map<string, string>()
  let area = 'other'
  for (const line of text.split('\n')) {
    const heading = /^ {2}# (?:--- )?([A-Za-z][^(:\n]*?)(?: \(|:| -+|$)/.exec(line)
    if (heading && !line.includes('rules of')) area = heading[1].trim()
    const rule = /^ {2}- id: (\S+)/.exec(line)
    if (rule) out.set(rule[1], area)
  }
  return out
}

interface Audit {
  score: number
  rules: {ruleId: string; status: string}[]
}
interface Row {
  rules: number
  failBefore: number
  failAfter: number
}
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Audit
const report = (path: string): Record<string, string> =>
  Object.fromEntries(
    readFileSync(path, 'utf8')
      .split('\n')
      .map((l) => l.split('='))
      .filter((kv) => kv.length >= 2)
      .map(([k, ...v]) => [k, v.join('=')]),
  )

const byArea = areas(readFileSync(yamlPath, 'utf8'))
const before = readJson(auditBefore)
const after = readJson(auditAfter)
const statusAfter = new Map(after.rules.map((r) => [r.ruleId, r.status]))
const rows = new Map<string, Row>()
for (const rule of before.rules) {
  const area = byArea.get(rule.ruleId) ?? 'other'
  const row = rows.get(area) ?? {rules: 0, failBefore: 0, failAfter: 0}
  row.rules++
  if (rule.status === 'fail' || rule.status === 'error') row.failBefore++
  if (['fail', 'error'].includes(statusAfter.get(rule.ruleId) ?? '')) row.failAfter++
  rows.set(area, row)
}
const lb = report(lynisBefore)
const la = report(lynisAfter)
const lynisTests = new Map<string, number>()
for (const id of (lb.tests_executed ?? '').split('|').filter(Boolean)) {
  const prefix = id.split('-')[0]
  lynisTests.set(prefix, (lynisTests.get(prefix) ?? 0) + 1)
}

console.log('llmsec baseline rules per area (failing before → after the fixes)')
for (const [area, row] of [...rows].sort((a, b) => b[1].rules - a[1].rules))
  console.log(`  ${area.padEnd(58)} ${String(row.rules).padStart(4)}   ${row.failBefore} → ${row.failAfter}`)
console.log(`  ${'total'.padEnd(58)} ${String(before.rules.length).padStart(4)}`)
const executed = [...lynisTests.values()].reduce((a, b) => a + b, 0)
console.log(`Lynis tests executed per category (${executed} in all)`)
console.log(
  '  ' +
    [...lynisTests]
      .sort((a, b) => b[1] - a[1])
      .map(([p, n]) => `${p} ${n}`)
      .join(', '),
)
const [ib, ia] = [Number(lb.hardening_index), Number(la.hardening_index)]
console.log(
  `Lynis hardening index: ${ib} → ${ia} (${ia - ib >= 0 ? '+' : ''}${ia - ib}; target ≥ +20: ${ia - ib >= 20 ? 'met' : 'NOT met'})`,
)
console.log(
  `llmsec score:          ${before.score} → ${after.score} (target ≥ 90: ${after.score >= 90 ? 'met' : 'NOT met'})`,
)
const stillFailing = after.rules.filter((r) => r.status === 'fail' || r.status === 'error').map((r) => r.ruleId)
console.log(`llmsec rules failing after the fixes (${stillFailing.length}): ${stillFailing.join(', ') || 'none'}`)
