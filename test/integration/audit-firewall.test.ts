import {randomBytes} from 'node:crypto'

import {execa} from 'execa'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {AuditResult} from '../../src/audit/index.js'
import {binPath} from '../helpers/cli.js'
import {hasTool, isRoot, skipReason} from '../helpers/env.js'

const unavailable = skipReason(
  !isRoot || !hasTool('ip') || !hasTool('nft'),
  'audit firewall integration needs root, ip and nft (network namespaces with real nftables)',
)
const ns = `llmsec-audit-${randomBytes(4).toString('hex')}`

async function auditInNamespace(): Promise<AuditResult> {
  const args = ['netns', 'exec', ns, process.execPath, binPath, 'audit', '--rule', 'firewall-default-deny', '--json']
  const run = await execa('ip', args, {reject: false, env: {NO_COLOR: '1'}, timeout: 60_000})
  return JSON.parse(String(run.stdout)) as AuditResult
}

describe.skipIf(unavailable)('llmsec audit against a real nftables ruleset in a network namespace', () => {
  beforeAll(async () => {
    await execa('ip', ['netns', 'add', ns])
  })
  afterAll(async () => {
    await execa('ip', ['netns', 'delete', ns], {reject: false})
  })

  it('fails with no ruleset, passes once an input chain with policy drop is loaded', async () => {
    const before = (await auditInNamespace()).rules[0]
    expect(before.status).toBe('fail')
    const ruleset =
      'table inet f {\n chain input {\n  type filter hook input priority 0; policy drop;\n  iif lo accept\n }\n}\n'
    await execa('ip', ['netns', 'exec', ns, 'nft', '-f', '-'], {input: ruleset})
    const after = (await auditInNamespace()).rules[0]
    expect(after.status).toBe('pass')
    expect(after.evidence[0]).toMatch(/unsolicited inbound traffic is dropped/)
  })
})
