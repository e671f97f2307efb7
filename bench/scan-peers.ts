/**
 * llmsec scan and picklescan side by side on the same corpora: run with `npx tsx bench/scan-peers.ts`
 * after `npm run build`.
 *
 * Corpora: picklescan's own test files (../shared/peers/picklescan/testdata, read in place; skipped
 * when absent) and the project's adversarial corpus (fixtures/scan/corpus.py, built into a cache).
 * picklescan runs as `PYTHONPATH=…/picklescan/src /usr/bin/python3 -m picklescan -p FILE`, one file at
 * a time (its exit code is always 0 here, so its verdict is read from "Infected files" and "ERROR"
 * lines). It cannot read 7z archives on this machine: py7zr is not installed. Per corpus it prints
 * malicious detected (llmsec: exit 1), malformed detected, benign kept clean, crashes and time.
 */
import {readdirSync} from 'node:fs'
import {join} from 'node:path'

import {runTool} from '../src/core/exec.js'
import type {FileReport, ScanResult} from '../src/scan/index.js'
import {PICKLESCAN_BENIGN, PICKLESCAN_UNREADABLE, picklescanRoot} from '../test/helpers/picklescan.js'
import {corpusUnavailable, scanCorpus} from '../test/helpers/scan-corpus.js'

type Label = 'malicious' | 'benign' | 'malformed' | 'crash' | 'other'
interface Labelled {
  name: string
  label: Label
}

const root = join(import.meta.dirname, '..')
const PICKLESCAN_OTHER = new Set(Object.keys(PICKLESCAN_UNREADABLE))

interface Tally {
  malicious: [number, number]
  malformed: [number, number]
  benign: [number, number]
  crashes: number
  ms: number
}

const empty = (): Tally => ({malicious: [0, 0], malformed: [0, 0], benign: [0, 0], crashes: 0, ms: 0})
const failsGate = (f: FileReport) => f.findings.some((x) => x.severity === 'high' || x.severity === 'critical')

function count(tally: Tally, label: Label, flagged: boolean, malformedSeen: boolean): void {
  if (label === 'malicious') tally.malicious = [tally.malicious[0] + (flagged ? 1 : 0), tally.malicious[1] + 1]
  if (label === 'benign') tally.benign = [tally.benign[0] + (flagged ? 0 : 1), tally.benign[1] + 1]
  if (label === 'malformed') tally.malformed = [tally.malformed[0] + (malformedSeen ? 1 : 0), tally.malformed[1] + 1]
}

async function runLlmsec(dir: string, files: Labelled[]): Promise<Tally> {
  const tally = empty()
  const started = performance.now()
  const run = await runTool(process.execPath, [join(root, 'bin', 'run.js'), 'scan', dir, '--json'], {
    timeoutMs: 600_000,
    maxBuffer: 256 * 1024 * 1024,
  })
  tally.ms = performance.now() - started
  if (run.exitCode === 3 || run.exitCode === null) tally.crashes++
  const result = JSON.parse(run.stdout) as ScanResult
  const byName = new Map(result.files.map((f) => [f.path.slice(dir.length + 1), f]))
  for (const file of files) {
    const report = byName.get(file.name)
    if (!report) continue
    if (report.findings.some((f) => f.code === 'SCAN_INTERNAL_ERROR')) tally.crashes++
    count(tally, file.label, failsGate(report), report.verdict === 'malformed' || report.verdict === 'unknown')
  }
  return tally
}

async function runPicklescan(dir: string, files: Labelled[]): Promise<Tally> {
  const tally = empty()
  const env = {PYTHONPATH: join(picklescanRoot!, 'src')}
  const started = performance.now()
  for (const file of files) {
    const run = await runTool('/usr/bin/python3', ['-m', 'picklescan', '-p', join(dir, file.name)], {
      env,
      timeoutMs: 60_000,
    })
    const out = `${run.stdout}${run.stderr}`
    const infected = /Infected files: [1-9]/.test(out)
    const error = /ERROR|Traceback|Unhandled exception/.test(out)
    if (run.exitCode === null || /Traceback|Unhandled exception/.test(out)) tally.crashes++
    count(tally, file.label, infected, error)
  }
  tally.ms = performance.now() - started
  return tally
}

const pct = ([a, b]: [number, number]) => (b === 0 ? '-' : `${a}/${b} (${Math.round((100 * a) / b)}%)`)

function print(corpus: string, llmsec: Tally, peer: Tally): void {
  console.log(`\n${corpus}`)
  console.log('| | llmsec | picklescan |')
  console.log('| --- | --- | --- |')
  console.log(`| malicious detected | ${pct(llmsec.malicious)} | ${pct(peer.malicious)} |`)
  console.log(`| malformed detected | ${pct(llmsec.malformed)} | ${pct(peer.malformed)} |`)
  console.log(`| benign kept clean | ${pct(llmsec.benign)} | ${pct(peer.benign)} |`)
  console.log(`| crashes | ${llmsec.crashes} | ${peer.crashes} |`)
  const ratio = peer.ms / Math.max(1, llmsec.ms)
  console.log(`| time | ${Math.round(llmsec.ms)} ms | ${Math.round(peer.ms)} ms (${ratio.toFixed(1)}× llmsec) |`)
}

async function main(): Promise<void> {
  if (!picklescanRoot) {
    console.log('skipped: ../shared/peers/picklescan is absent')
    return
  }
  const testdata = join(picklescanRoot, 'testdata')
  const ps: Labelled[] = readdirSync(testdata).map((name) => ({
    name,
    label: PICKLESCAN_BENIGN.includes(name) ? 'benign' : PICKLESCAN_OTHER.has(name) ? 'other' : 'malicious',
  }))
  print(`picklescan testdata (${ps.length} files)`, await runLlmsec(testdata, ps), await runPicklescan(testdata, ps))
  const why = corpusUnavailable()
  if (why) {
    console.log(`\nadversarial corpus skipped: ${why}`)
    return
  }
  const corpus = scanCorpus()
  const own: Labelled[] = corpus.entries.map((e) => ({name: e.name, label: e.kind}))
  print(
    `adversarial corpus (${own.length} files)`,
    await runLlmsec(corpus.dir, own),
    await runPicklescan(corpus.dir, own),
  )
}

await main()
