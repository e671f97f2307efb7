import {randomBytes} from 'node:crypto'
import {existsSync, readdirSync} from 'node:fs'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runTool} from '../../../src/core/exec.js'
import {evaluateConnection, evaluatePacket, parseNftJson, unmatchedPacket} from '../../../src/network/index.js'
import {hasTool, isRoot} from '../../helpers/env.js'

const EXAMPLES = '/usr/share/doc/nftables/examples'
const reason = !isRoot
  ? 'needs root'
  : !hasTool('nft')
    ? 'nft is not installed'
    : !existsSync(EXAMPLES)
      ? `${EXAMPLES} is absent`
      : null
if (reason) console.warn(`[skip] nftables example rulesets: ${reason}`)

describe.skipIf(reason !== null)("Debian's nftables example rulesets", () => {
  const ns = `llmsec-${randomBytes(4).toString('hex')}-x`
  const files = reason
    ? []
    : readdirSync(EXAMPLES)
        .filter((f) => f.endsWith('.nft'))
        .sort()
  const parsed: string[] = []

  beforeAll(async () => {
    const made = await runTool('ip', ['netns', 'add', ns])
    if (made.status !== 'ok') throw new Error(made.reason)
  })
  afterAll(async () => {
    await runTool('ip', ['netns', 'del', ns])
    console.info(`[nft examples] parsed ${parsed.length} of ${files.length}: ${parsed.join(', ')}`)
  })

  it('loads each example, reads it back as JSON and evaluates packets without crashing', async () => {
    for (const file of files) {
      await runTool('ip', ['netns', 'exec', ns, 'nft', 'flush', 'ruleset'])
      const load = await runTool('ip', ['netns', 'exec', ns, 'nft', '-f', join(EXAMPLES, file)])
      if (load.status !== 'ok') continue // nft itself refuses it (e.g. "delete table" of a table that does not exist)
      const listed = await runTool('ip', ['netns', 'exec', ns, 'nft', '-j', 'list', 'ruleset'])
      expect(listed.status, file).toBe('ok')
      const ruleset = parseNftJson(listed.stdout)
      expect(ruleset.tables.length, file).toBeGreaterThan(0)
      for (const direction of ['in', 'out'] as const) {
        for (const family of [4, 6] as const) {
          const remote = family === 4 ? '192.0.2.7' : '2001:db8::7'
          const verdict = evaluateConnection(ruleset, {direction, protocol: 'tcp', family, remote, port: 443}).verdict
          expect(['accept', 'drop', 'reject', 'unknown'], file).toContain(verdict)
          expect(['accept', 'drop', 'reject', 'unknown'], file).toContain(
            evaluatePacket(ruleset, unmatchedPacket(direction, family)).verdict,
          )
        }
      }
      parsed.push(file)
    }
    expect(parsed.length).toBeGreaterThan(files.length / 2)
    if (files.includes('workstation.nft')) expect(parsed).toContain('workstation.nft')
  })

  it('judges workstation.nft: inbound dropped by default, outbound open', async () => {
    if (!files.includes('workstation.nft')) return
    await runTool('ip', ['netns', 'exec', ns, 'nft', 'flush', 'ruleset'])
    await runTool('ip', ['netns', 'exec', ns, 'nft', '-f', join(EXAMPLES, 'workstation.nft')])
    const ruleset = parseNftJson((await runTool('ip', ['netns', 'exec', ns, 'nft', '-j', 'list', 'ruleset'])).stdout)
    expect(evaluatePacket(ruleset, unmatchedPacket('in', 4)).verdict).toBe('drop')
    expect(evaluatePacket(ruleset, unmatchedPacket('out', 6)).verdict).toBe('accept')
    const ssh = evaluateConnection(ruleset, {
      direction: 'in',
      protocol: 'tcp',
      family: 4,
      remote: '192.0.2.7',
      port: 22,
    })
    expect(ssh).toMatchObject({verdict: 'drop', chain: 'input'})
  })
})
