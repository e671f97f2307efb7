import {describe, expect, it} from 'vitest'

import {runCheck} from '../../../helpers/check-context.js'

describe('firewall-default-deny', () => {
  it('passes for a drop input policy and fails for accept or no input chain', async () => {
    const drop = {tool: 'nft' as const, inputPolicy: 'drop' as const, ruleCount: 3}
    expect((await runCheck('firewall-default-deny', {}, {facts: {firewall: drop}})).status).toBe('pass')
    const accept = {...drop, inputPolicy: 'accept' as const}
    expect((await runCheck('firewall-default-deny', {}, {facts: {firewall: accept}})).status).toBe('fail')
    const none = {...drop, inputPolicy: null}
    const out = await runCheck('firewall-default-deny', {}, {facts: {firewall: none}})
    expect(out.evidence[0]).toMatch(/no input chain is loaded/)
  })

  it('reports an error when the ruleset cannot be read', async () => {
    const firewall = {tool: null, inputPolicy: null, ruleCount: 0, unreadable: 'nft is not installed'}
    const out = await runCheck('firewall-default-deny', {}, {facts: {firewall}})
    expect(out).toMatchObject({status: 'error', reason: 'cannot read the firewall: nft is not installed'})
  })
})
