/**
 * The YAML loader (src/core/yaml.ts) next to its peers, in one process: a mapping of 100,000 keys
 * (target ≤ 1 s) and a ruleset-shaped file just under the 4 MiB limit (target ≤ 2 s), each loaded by
 * llmsec's parseYaml (all limits on), by the yaml package (parseDocument + toJS, no limits) and by
 * js-yaml (load, core schema). The ruleset is also loaded whole, as `rulesets validate` does (schema,
 * checks, controls; target ≤ 2 s too). Median of 3 runs each; quote `uptime` with the figures.
 * Run: npx tsx bench/yaml.ts
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {loadavg, tmpdir} from 'node:os'
import {join} from 'node:path'

import {loadRuleset} from '../src/audit/index.js'
import {parseYaml, YAML_LIMITS} from '../src/core/yaml.js'

const require = createRequire(import.meta.url)
const yamlLib = require('yaml') as typeof import('yaml')
const jsYaml = require('js-yaml') as {load(text: string, options: object): unknown; CORE_SCHEMA: unknown}

function manyKeys(count: number): string {
  const lines: string[] = []
  for (let i = 0; i < count; i++) lines.push(`key${i}: value ${i}`)
  return lines.join('\n') + '\n'
}

function bigRuleset(bytes: number): string {
  const head = 'apiVersion: llmsec.dev/v1\nkind: Ruleset\nid: big\ntitle: Big\nversion: 1.0.0\nrules:\n'
  const parts = [head]
  let size = head.length
  for (let i = 0; size < bytes - 400; i++) {
    const rule =
      `  - id: rule-${i}\n    title: Rule number ${i} of a large ruleset\n    severity: high\n` +
      `    controls: {nist-800-53: [SC-7, AC-3], iso-27001: [A.8.20]}\n    check: {id: listener-exposure}\n` +
      `    remediation: >-\n      Rebind the service to 127.0.0.1, or restrict the port to named sources.\n`
    parts.push(rule)
    size += rule.length
  }
  return parts.join('')
}

async function median(run: () => unknown): Promise<number> {
  const times: number[] = []
  for (let i = 0; i < 3; i++) {
    const start = performance.now()
    await run()
    times.push(performance.now() - start)
  }
  return times.sort((a, b) => a - b)[1]
}

const cases = [
  {name: '100k keys', text: manyKeys(100_000), targetMs: 1000},
  {name: '4 MiB ruleset', text: bigRuleset(YAML_LIMITS.bytes), targetMs: 2000},
]
console.log(
  `load average ${loadavg()
    .map((n) => n.toFixed(2))
    .join(' ')}`,
)
for (const {name, text, targetMs} of cases) {
  const ours = await median(() => parseYaml(text, 'bench.yaml'))
  const yaml = await median(() => yamlLib.parseDocument(text, {uniqueKeys: false}).toJS())
  const js = await median(() => jsYaml.load(text, {schema: jsYaml.CORE_SCHEMA}))
  console.log(
    `${name} (${(text.length / 1024 / 1024).toFixed(2)} MiB): llmsec ${ours.toFixed(0)} ms (target ≤ ${targetMs}) · ` +
      `yaml ${yaml.toFixed(0)} ms · js-yaml ${js.toFixed(0)} ms · llmsec/js-yaml ${(ours / js).toFixed(2)}×`,
  )
}
const dir = mkdtempSync(join(tmpdir(), 'llmsec-bench-yaml-'))
try {
  // loadRuleset keeps each file it parsed: a new name for each run.
  let run = 0
  const whole = await median(() => {
    const file = join(dir, `big-${run++}.yaml`)
    writeFileSync(file, cases[1].text)
    return loadRuleset(file)
  })
  console.log(`4 MiB ruleset loaded as a ruleset (loadRuleset): llmsec ${whole.toFixed(0)} ms (target ≤ 2000)`)
} finally {
  rmSync(dir, {recursive: true, force: true})
}
console.log(
  `load average ${loadavg()
    .map((n) => n.toFixed(2))
    .join(' ')}`,
)
