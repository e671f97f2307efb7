import {describe, expect, it} from 'vitest'

import {runCheck} from '../../../helpers/check-context.js'

describe('firewall-default-deny', () => {
  it('passes for a drop input policy and fails for accept or no input chain', async () => {
    const drop = {tool: 'nftables', inputPolicy: 'drop' as const, ruleCount: 3, decidedBy: 'policy drop'}
    expect((await runCheck('firewall-default-deny', {}, {facts: {firewall: drop}})).status).toBe('pass')
    const accept = {...drop, inputPolicy: 'accept' as const}
    expect((await runCheck('firewall-default-deny', {}, {facts: {firewall: accept}})).status).toBe('fail')
    const none = {...drop, inputPolicy: 'accept' as const, ruleCount: 0}
    const out = await runCheck('firewall-default-deny', {}, {facts: {firewall: none}})
    expect(out.evidence[0]).toMatch(/no inbound filtering is loaded/)
    const unknown = {...drop, inputPolicy: 'unknown' as const}
    expect((await runCheck('firewall-default-deny', {}, {facts: {firewall: unknown}})).status).toBe('warn')
  })

  it('reports an error when the ruleset cannot be read', async () => {
    const firewall = {tool: null, inputPolicy: null, ruleCount: 0, unreadable: 'nft is not installed'}
    const out = await runCheck('firewall-default-deny', {}, {facts: {firewall}})
    expect(out).toMatchObject({status: 'error', reason: 'cannot read the firewall: nft is not installed'})
  })
})
