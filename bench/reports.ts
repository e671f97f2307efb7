/**
 * Report rendering at fleet scale: a synthetic fleet (default 200 hosts × 7 rulesets × 36 distinct rules,
 * about 50,000 results) rendered in every format, side by side with JSON.stringify of the same data
 * (the floor any serializer pays). No peer tool renders llmsec results, so the ratio is to that floor.
 * Run: npx tsx bench/reports.ts [hosts]   (bounded: 1–1000 hosts, one render per format)
 */
import {mergeFleet, renderReport, type AuditReport} from '../src/audit/reports/index.js'
import type {RuleResult} from '../src/audit/index.js'

const hosts = Math.min(Math.max(Number(process.argv[2] ?? 200), 1), 1000)
const statuses: RuleResult['status'][] = ['pass', 'pass', 'fail', 'waived', 'not-applicable', 'pass', 'error']
const severities: RuleResult['severity'][] = ['critical', 'high', 'medium', 'low', 'info']

function hostReport(h: number): AuditReport {
  const ids = ['baseline', 'hipaa', 'gdpr', 'pci-dss', 'sox', 'fedramp-moderate', 'owasp-llm-top10']
  const rules: RuleResult[] = ids.flatMap((id, r) =>
    Array.from({length: 36}, (_, i) => ({
      ruleId: `${id}-rule-${i}`,
      title: `Rule ${i} of ${id}`,
      status: statuses[(h + r + i) % statuses.length],
      severity: severities[i % severities.length],
      controls: {'nist-800-53': [`AC-${i % 20}`], 'iso-27001': [`A.8.${i}`]},
      evidence: [`/etc/file-${i}.conf has mode 0644`, 'expected 0600'],
      remediation: `chmod 600 /etc/file-${i}.conf`,
      location: `/etc/file-${i}.conf`,
      reason: 'not applicable',
      rulesets: [id],
      ...(statuses[(h + r + i) % statuses.length] === 'waived' ? {waived: {reason: 'bench'}} : {}),
    })),
  )
  const rulesets = ids.map((id, r) => ({
    id,
    score: 50 + ((h * 7 + r) % 50),
    rules: rules.filter((x) => x.rulesets?.[0] === id).map((x) => ({...x, weight: 1})),
  }))
  return {
    score: 70,
    rules,
    rulesets,
    summary: {pass: 0, fail: 0, error: 0, notApplicable: 0, waived: 0},
    host: `gpu-${h}`,
    llmsecVersion: '0.1.0',
  }
}

const fleet = mergeFleet(
  Array.from({length: hosts}, (_, h) => ({file: `gpu-${h}.json`, report: hostReport(h)})),
  '0.1.0',
)
const results = fleet.hosts.reduce((n, h) => n + h.report.rules.length, 0)

function time(fn: () => string): {ms: number; bytes: number} {
  const started = performance.now()
  const text = fn()
  return {ms: performance.now() - started, bytes: Buffer.byteLength(text)}
}

const floor = time(() => JSON.stringify(fleet))
console.log(`${hosts} hosts, ${results} results`)
console.log(
  `${'JSON.stringify (floor)'.padEnd(24)} ${floor.ms.toFixed(0).padStart(6)} ms ${(floor.bytes / 1e6).toFixed(1).padStart(7)} MB`,
)
for (const format of ['json', 'sarif', 'junit', 'markdown', 'html'] as const) {
  const t = time(() => renderReport(format, fleet))
  console.log(
    `${`llmsec ${format}`.padEnd(24)} ${t.ms.toFixed(0).padStart(6)} ms ${(t.bytes / 1e6).toFixed(1).padStart(7)} MB   ${(t.ms / floor.ms).toFixed(1)}× floor`,
  )
}
