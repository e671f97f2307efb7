import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import fc from 'fast-check'
import {afterAll, describe, it} from 'vitest'

import {parseWaivers} from '../../src/audit/waivers.js'
import {rulesetSchema} from '../../src/audit/ruleset.schema.js'
import {configSchema} from '../../src/core/config.js'
import {parseYaml} from '../../src/core/yaml.js'
import {repoRoot} from '../helpers/cli.js'
import {expectBoundedMemory, expectNoBug, FUZZ_TIMEOUT_MS, mutatedText, RUNS} from './mutate.js'

/** The head of each built-in ruleset (about 2 KB, whole lines): small seeds keep 2,000 runs fast. */
const rulesets = readdirSync(join(repoRoot, 'rulesets'))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => readFileSync(join(repoRoot, 'rulesets', f), 'utf8'))
  .map((text) => text.slice(0, text.indexOf('\n', 2000) + 1 || undefined))

const WAIVERS = `waivers:
  - rule: listener-exposure
    justification: reverse proxy, SEC-142
    approver: ciso@example.org
    created: 2026-04-01
    expires: 2027-03-31
`
const CONFIG = `inferencePorts:
  - {port: 8080, service: My LLM gateway}
egress:
  allow: [pypi.org:443]
`

const YAML_TOKENS = [
  '&a [*a]',
  '*a',
  '<<: *a\n',
  '__proto__: {polluted: true}\n',
  'constructor: 1\n',
  '!!binary AAAA',
  '!!js/function "x"',
  '? complex\n',
  '{',
  '[',
  '- ',
  ': ',
  '\t',
  '%YAML 1.1\n',
  '---\n',
  '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[',
  '"\\u0000"',
]

describe('fuzz: YAML rulesets, waivers and config never crash the loader', () => {
  afterAll(expectBoundedMemory)

  it(
    `rulesets: ${RUNS} mutations of the built-in rulesets`,
    () => {
      fc.assert(
        fc.property(mutatedText(rulesets, YAML_TOKENS), (text) =>
          expectNoBug(() => parseYaml(text, 'fuzz.yaml', rulesetSchema)),
        ),
        {numRuns: RUNS},
      )
    },
    FUZZ_TIMEOUT_MS,
  )

  it(
    `waivers: ${RUNS} mutations`,
    () => {
      fc.assert(
        fc.property(mutatedText([WAIVERS], YAML_TOKENS), (text) =>
          expectNoBug(() => parseWaivers(text, '.llmsec-waivers.yaml')),
        ),
        {numRuns: RUNS},
      )
    },
    FUZZ_TIMEOUT_MS,
  )

  it(
    `config: ${RUNS} mutations`,
    () => {
      fc.assert(
        fc.property(mutatedText([CONFIG], YAML_TOKENS), (text) =>
          expectNoBug(() => parseYaml(text, 'llmsec.yaml', configSchema)),
        ),
        {numRuns: RUNS},
      )
    },
    FUZZ_TIMEOUT_MS,
  )
})
