import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import fc from 'fast-check'
import {afterAll, describe, it} from 'vitest'

import {findPublishedPorts} from '../../src/network/exposure.js'
import {evaluatePath, parseIptablesSave, parseNftJson, type PathEnv, type Ruleset} from '../../src/network/index.js'
import {requestPacket} from '../../src/network/packet.js'
import {repoRoot} from '../helpers/cli.js'
import {expectBoundedMemory, expectNoBug, FUZZ_TIMEOUT_MS, mutatedJson, mutatedText, RUNS} from './mutate.js'

const dir = join(repoRoot, 'fixtures', 'docker')
const seeds = (suffix: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith(suffix))
    .map((f) => readFileSync(join(dir, f), 'utf8'))

const ENV: PathEnv = {route: () => ({local: false, dev: 'docker0'}), forwarding: () => true}
const PORTS = [{port: 11434, service: 'Ollama'}]

/** Parsing is half the attack surface: the evaluator must take whatever the parser built. */
function judge(ruleset: Ruleset): void {
  evaluatePath(ruleset, requestPacket({direction: 'in', protocol: 'tcp', family: 4, port: 11434}, {kind: 'other'}), ENV)
  findPublishedPorts(ruleset, {env: ENV, ports: PORTS, families: [4]})
}

const IPTABLES_TOKENS = [
  '-A __proto__ -j ACCEPT\n',
  '-A DOCKER -j constructor\n',
  ':toString - [0:0]\n',
  '-j DNAT --to-destination 10.0.0.1:99999',
  '-j DNAT --to-destination [fd00::1]:1-2',
  '-j REDIRECT --to-ports 9-1',
  '--dport 65536:1',
  '-m statistic --mode random',
  '-g __proto__',
  '*nat\n',
  'COMMIT\n',
  '! ! -i',
  '"',
  '\\',
  '-A DOCKER -j DOCKER\n',
]

describe('fuzz: firewall inputs never crash the parser or the evaluator', () => {
  afterAll(expectBoundedMemory)

  it(
    `iptables-save: ${RUNS} mutations of Docker's layout`,
    () => {
      fc.assert(
        fc.property(mutatedText(seeds('.rules'), IPTABLES_TOKENS), (text) =>
          expectNoBug(() => judge(parseIptablesSave(text, 'ip', 'iptables-nft'))),
        ),
        {numRuns: RUNS},
      )
    },
    FUZZ_TIMEOUT_MS,
  )

  it(
    `nft JSON: ${RUNS} structural mutations of genuine and native translations`,
    () => {
      fc.assert(
        fc.property(mutatedJson(seeds('.json')), (text) => expectNoBug(() => judge(parseNftJson(text)))),
        {numRuns: RUNS},
      )
    },
    FUZZ_TIMEOUT_MS,
  )

  it(
    `nft JSON: ${RUNS} byte-level mutations`,
    () => {
      const tokens = [
        '"__proto__"',
        '{"jump": {"target": "__proto__"}}',
        '[[[[[[[[',
        '@',
        '{"dnat": {}}',
        ',',
        '"prio": 1e999',
      ]
      fc.assert(
        fc.property(mutatedText(seeds('.json'), tokens), (text) => expectNoBug(() => judge(parseNftJson(text)))),
        {numRuns: RUNS},
      )
    },
    FUZZ_TIMEOUT_MS,
  )
})
