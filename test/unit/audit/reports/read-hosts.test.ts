import {execFileSync} from 'node:child_process'
import {mkdir, mkdtemp, rm, truncate, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import fc from 'fast-check'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RuleResult} from '../../../../src/audit/index.js'
import {digestHost, FleetTally} from '../../../../src/audit/reports/fleet-summary.js'
import {FleetBuilder, MAX_RESULT_BYTES} from '../../../../src/audit/reports/fleet.js'
import type {FleetReport} from '../../../../src/audit/reports/fleet.types.js'
import {fleetChunksOnThreads, pieceThreads} from '../../../../src/audit/reports/host-pieces.js'
import {mergeFleet, renderReport} from '../../../../src/audit/reports/index.js'
import {readHosts, type HostRead} from '../../../../src/audit/reports/read-hosts.js'
import {inOrderOnThreads, PIECE_FORMATS, threadsFor} from '../../../../src/audit/reports/report-threads.js'
import {auditOf} from '../../../helpers/audit-results.js'
import {sampleReport} from '../../../helpers/sample-report.js'

const STATUSES: RuleResult['status'][] = ['pass', 'fail', 'error', 'not-applicable']
const SEVERITIES: RuleResult['severity'][] = ['critical', 'high', 'medium', 'low', 'info']

/** A host's result whose statuses, severities and controls vary with `seed`. */
function variedReport(host: string, seed: number) {
  const rules = Array.from({length: 12}, (_, i): RuleResult => {
    const status = STATUSES[(seed * 7 + i * 3) % STATUSES.length]
    return {
      ruleId: `rule-${i}`,
      title: `Rule ${i}`,
      status,
      severity: SEVERITIES[(seed + i) % SEVERITIES.length],
      controls: {'nist-800-53': [`AC-${(seed + i) % 4}`, `AU-${i % 3}`], 'pci-dss': [`${1 + (i % 3)}.2`]},
      evidence: [`evidence ${i} on ${host}`],
      remediation: `fix rule ${i}`,
      ...(status === 'not-applicable' || status === 'error' ? {reason: 'because'} : {}),
    }
  })
  return auditOf(rules, 'baseline', {host})
}

/** Everything a fleet shows: its JSON, the hosts' summaries and the tally's views. */
function fleetView(fleet: FleetReport) {
  return {
    json: JSON.stringify({...fleet, generatedAt: null}),
    summaries: fleet.hosts.map((h) => h.summary),
    top: fleet.tally.topFailures(),
    families: fleet.tally.familyBars(),
    severity: [...fleet.tally.severity],
  }
}

async function fleetOf(files: string[], threads: number): Promise<FleetReport> {
  const builder = new FleetBuilder()
  const order: string[] = []
  await readHosts(
    files,
    (read: HostRead) => {
      order.push(read.file)
      if ('json' in read) builder.addHost(read.file, read.json, read.digest)
      else builder.reject(read.file, read.refused)
    },
    threads,
  )
  expect(order).toEqual(files)
  return builder.finish('0.1.0', new Date(0))
}

describe('reading a fleet', () => {
  let dir: string
  let files: string[]
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'llmsec-read-hosts-'))
    files = []
    for (let i = 0; i < 40; i++) {
      const file = join(dir, `host-${String(i).padStart(2, '0')}.json`)
      // Names repeat (gpu-0 … gpu-6), so fleet names are made unique in file order.
      const report = i % 5 === 0 ? sampleReport(`gpu-${i % 7}`) : variedReport(`gpu-${i % 7}`, i)
      await writeFile(file, JSON.stringify(report))
      files.push(file)
    }
    const refused = {
      bad: join(dir, 'bad.json'),
      huge: join(dir, 'huge.json'),
      fifo: join(dir, 'fifo.json'),
      folder: join(dir, 'folder.json'),
      missing: join(dir, 'missing.json'),
    }
    await writeFile(refused.bad, '{"score": 1')
    await writeFile(refused.huge, '')
    await truncate(refused.huge, MAX_RESULT_BYTES + 1)
    execFileSync('mkfifo', [refused.fifo])
    await mkdir(refused.folder)
    files.splice(3, 0, refused.bad)
    files.splice(11, 0, refused.huge, refused.fifo)
    files.splice(30, 0, refused.folder, refused.missing)
  })
  afterAll(() => rm(dir, {recursive: true, force: true}))

  it('gives the same fleet read on threads as on the calling thread, in file order', async () => {
    const alone = await fleetOf(files, 1)
    const threaded = await fleetOf(files, 3)
    expect(fleetView(threaded)).toEqual(fleetView(alone))
    expect(alone.hosts).toHaveLength(40)
    expect(alone.hosts.filter((h) => h.host.startsWith('gpu-1')).map((h) => h.host)).toEqual([
      'gpu-1',
      'gpu-1 (2)',
      'gpu-1 (3)',
      'gpu-1 (4)',
      'gpu-1 (5)',
      'gpu-1 (6)',
    ])
  })

  it('refuses each bad file with its reason and goes on', async () => {
    const fleet = await fleetOf(files, 2)
    const reasons = fleet.rejected.map((r) => r.reason)
    expect(reasons).toHaveLength(5)
    expect(reasons[0]).toMatch(/bad\.json is not JSON/)
    expect(reasons[1]).toMatch(/huge\.json is larger than 67108864 bytes/)
    expect(reasons[2]).toMatch(/fifo\.json is not a regular file/)
    expect(reasons[3]).toMatch(/folder\.json/)
    expect(reasons[4]).toMatch(/missing\.json/)
  })

  it('renders JSON, SARIF and JUnit on report threads byte for byte as on the calling thread', async () => {
    const fleet = await fleetOf(files, 2)
    const utf8 = new TextDecoder()
    for (const format of PIECE_FORMATS)
      for (const sarifCategory of [undefined, 'nightly/gpu']) {
        let threaded = ''
        for await (const chunk of fleetChunksOnThreads(format, fleet, 2, {category: sarifCategory}))
          threaded += typeof chunk === 'string' ? chunk : utf8.decode(chunk)
        expect(threaded, format).toBe(renderReport(format, fleet, {sarifCategory}))
        JSON.parse(format === 'junit' ? '{}' : threaded)
      }
    expect(pieceThreads('json', fleet)).toBe(threadsFor(fleet.hosts.length))
    expect(pieceThreads('html', fleet)).toBe(0)
    // Hosts held as objects (mergeFleet) are rendered on the calling thread.
    expect(pieceThreads('json', mergeFleet(fleet.hosts.map((h) => ({file: h.file, report: h.report}))))).toBe(0)
  })

  it('gives the same fleet as merging the results as objects (mergeFleet)', async () => {
    const threaded = await fleetOf(files, 2)
    const builder = new FleetBuilder()
    for (const host of threaded.hosts) builder.add(host.file, host.report)
    for (const r of threaded.rejected) builder.reject(r.file, r.reason)
    expect(fleetView(builder.finish('0.1.0', new Date(0)))).toEqual(fleetView(threaded))
  })
})

describe('report threads', () => {
  it('throw what a thread hit unexpectedly, and end their threads', async () => {
    const job = {piece: 'sarif' as const, host: 'h', file: 'f', json: new TextEncoder().encode('{')}
    const answers = inOrderOnThreads([job, job], 1)
    await expect(answers.next()).rejects.toThrow(/a report thread failed: SyntaxError/)
  })
})

describe('FleetTally.merge', () => {
  it('totals per-host tallies as adding every row to one tally would', () => {
    const host = fc.record({
      name: fc.constantFrom('a', 'b', 'c'),
      seed: fc.nat(50),
    })
    fc.assert(
      fc.property(fc.array(host, {minLength: 1, maxLength: 8}), (hosts) => {
        const reports = hosts.map((h) => variedReport(h.name, h.seed))
        const merged = new FleetTally()
        const added = new FleetTally()
        reports.forEach((report, i) => {
          const digest = digestHost(report, `f${i}`)
          merged.merge(digest.tally, `host ${i}`)
          const rows = report.rules.map((result) => ({
            host: `host ${i}`,
            key: result.ruleId,
            rulesets: result.rulesets ?? [],
            status: result.status,
            result,
          }))
          added.add(rows)
        })
        expect(merged.topFailures()).toEqual(added.topFailures())
        expect(merged.familyBars()).toEqual(added.familyBars())
        expect([...merged.severity]).toEqual([...added.severity])
      }),
      {numRuns: 200},
    )
  })
})
