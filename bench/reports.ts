/**
 * Report rendering at fleet scale: a synthetic fleet (default 200 hosts × 7 rulesets × 36 distinct rules,
 * about 50,000 results) rendered in every format, side by side with JSON.stringify of the same data
 * (the floor any serializer pays). No peer tool renders llmsec results, so the ratio is to that floor.
 * Then the same fleet saved as one result file per host and given to the built CLI,
 * `llmsec report <files> --format <f> --output <file>` per format, with wall time and peak RSS
 * (GNU time) against the fleet targets: ≤ 5 s and < 500 MB at 1,000 hosts. `table` is the fleet view.
 * Run: npm run build && npx tsx bench/reports.ts [hosts]   (bounded: 1–1000 hosts, one render per format)
 * With BENCH_BASE=<another built checkout> both CLIs run interleaved, BENCH_ROUNDS (default 3, at most 5)
 * rounds each, and the medians are printed side by side.
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {loadavg, tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {mergeFleet, renderReport, type AuditReport} from '../src/audit/reports/index.js'
import type {RuleResult} from '../src/audit/index.js'
import {scoreAudit, SEVERITY_WEIGHTS} from '../src/audit/score.js'
import {runMeasured} from '../test/helpers/peak-rss.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const TARGET_MS = 5000
const TARGET_BYTES = 500e6

const hosts = Math.min(Math.max(Number(process.argv[2] ?? 200), 1), 1000)
/** A built checkout to measure side by side (`BENCH_BASE=/path/to/other/checkout`), interleaved round by round. */
const BASE = process.env.BENCH_BASE ?? null
const ROUNDS = Math.min(Math.max(Number(process.env.BENCH_ROUNDS ?? (BASE ? 3 : 1)), 1), 5)
const FORMATS = ['table', 'json', 'sarif', 'junit', 'markdown', 'html'] as const

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}
const statuses: RuleResult['status'][] = ['pass', 'pass', 'fail', 'waived', 'not-applicable', 'pass', 'error']
const severities: RuleResult['severity'][] = ['critical', 'high', 'medium', 'low', 'info']

/** One host's result as the engine writes it: distinct rules, views with their five fields, scored. */
function hostReport(h: number): AuditReport {
  const ids = ['baseline', 'hipaa', 'gdpr', 'pci-dss', 'sox', 'fedramp-moderate', 'owasp-llm-top10']
  const rules: RuleResult[] = ids.flatMap((id, r) =>
    Array.from({length: 36}, (_, i) => {
      const status = statuses[(h + r + i) % statuses.length]
      return {
        ruleId: `${id}-rule-${i}`,
        title: `Rule ${i} of ${id}`,
        status,
        severity: severities[i % severities.length],
        controls: {'nist-800-53': [`AC-${i % 20}`], 'iso-27001': [`A.8.${i}`]},
        // Every 9th result shows a secret assignment, as a careless unit file would.
        evidence: [
          `/etc/file-${i}.conf has mode 0644`,
          i % 9 === 0 ? `Environment=HF_TOKEN=hf_${'x'.repeat(20)}${h}` : 'expected 0600',
        ],
        remediation: `chmod 600 /etc/file-${i}.conf`,
        location: `/etc/file-${i}.conf`,
        ...(status === 'not-applicable' || status === 'error' ? {reason: 'not applicable'} : {}),
        weight: SEVERITY_WEIGHTS[severities[i % severities.length]],
        rulesets: [id],
        ...(status === 'waived' ? {waived: {reason: 'bench', expires: '2027-01-01', by: 'ops@example.org'}} : {}),
      }
    }),
  )
  const rulesets = ids.map((id) => ({
    id,
    score: 0,
    rules: rules
      .filter((x) => x.rulesets?.[0] === id)
      .map((x) => ({
        ruleId: x.ruleId,
        status: x.status,
        severity: x.severity,
        weight: x.weight!,
        controls: x.controls,
      })),
  }))
  const report: AuditReport = {
    score: 0,
    rules,
    rulesets,
    summary: {pass: 0, fail: 0, error: 0, notApplicable: 0, waived: 0},
    host: `gpu-${h}`,
    llmsecVersion: '0.1.0',
  }
  scoreAudit(report)
  return report
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

/** BENCH_WRITE_ONLY=<dir>: only write the result files there (to profile `llmsec report` over them). */
if (process.env.BENCH_WRITE_ONLY) {
  for (const h of fleet.hosts) writeFileSync(join(process.env.BENCH_WRITE_ONLY, h.file), JSON.stringify(h.report))
  console.log(`wrote ${fleet.hosts.length} result files to ${process.env.BENCH_WRITE_ONLY}`)
  process.exit(0)
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

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')
const dir = mkdtempSync(join(tmpdir(), 'llmsec-bench-reports-'))
try {
  const files = fleet.hosts.map((h) => {
    const file = join(dir, h.file)
    writeFileSync(file, JSON.stringify(h.report))
    return file
  })
  console.log(
    `\nllmsec report over ${files.length} result files (targets ≤ ${TARGET_MS / 1000} s, < ${TARGET_BYTES / 1e6} MB; ` +
      `${ROUNDS} rounds, median${BASE ? `; base ${BASE} interleaved` : ''}; load ${load()})`,
  )
  const sides = [...(BASE ? [{name: 'base', root: BASE}] : []), {name: 'this', root}]
  const figures = new Map<string, {ms: number[]; mb: number[]; cpu: number[]; failed: string | null}>()
  for (let round = 0; round < ROUNDS; round++)
    for (const format of FORMATS)
      for (const side of sides) {
        const out = join(dir, `out.${side.name}.${format}`)
        const started = performance.now()
        const run = await runMeasured(
          process.execPath,
          [join(side.root, 'bin', 'run.js'), 'report', ...files, '--format', format, '--output', out],
          {timeoutMs: 120_000, maxBuffer: 1024 * 1024},
        )
        const key = `${format}\u0000${side.name}`
        const f = figures.get(key) ?? {ms: [], mb: [], cpu: [], failed: null}
        f.ms.push(performance.now() - started)
        f.mb.push(run.peakRss === null ? Number.NaN : run.peakRss / 1e6)
        f.cpu.push(run.cpuMs ?? Number.NaN)
        if (run.exitCode !== 0 && run.exitCode !== 1) f.failed = `exit ${run.exitCode}: ${run.stderr.slice(0, 200)}`
        figures.set(key, f)
      }
  for (const format of FORMATS)
    for (const side of sides) {
      const f = figures.get(`${format}\u0000${side.name}`)!
      const [ms, mb, cpu] = [median(f.ms), median(f.mb), median(f.cpu)]
      const verdict = ms <= TARGET_MS && mb < TARGET_BYTES / 1e6 && !f.failed ? 'ok' : 'MISSES TARGET'
      console.log(
        `${`${side.name} report ${format}`.padEnd(24)} ${ms.toFixed(0).padStart(6)} ms ${cpu.toFixed(0).padStart(6)} ms CPU ${mb.toFixed(0).padStart(6)} MB peak   ${verdict}${f.failed ? ` (${f.failed})` : ''}`,
      )
    }
  console.log(`load ${load()}`)
} finally {
  rmSync(dir, {recursive: true, force: true})
}
