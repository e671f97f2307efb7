import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {Explanation, FirewallReport} from '../../../src/network/index.js'
import {cliIn, createWorld, loadIptables, loadNft, netnsSkipReason, type World} from '../../helpers/netns.js'

const skip = netnsSkipReason(['ip', 'nft', 'iptables-legacy-restore', 'iptables-nft-restore'])
if (skip) console.warn(`[skip] hostile chain names in the kernel: ${skip}`)

/** Chains named after Object.prototype properties, jumping to one another; port 22 is let in. */
const DUMP = `*filter
:INPUT DROP [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:__proto__ - [0:0]
:constructor - [0:0]
:toString - [0:0]
-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A INPUT -p tcp -j __proto__
-A __proto__ -p tcp -m tcp --dport 22 -j constructor
-A constructor -j toString
-A toString -j ACCEPT
COMMIT
`
const EMPTY = '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n'

const NFT = `flush ruleset
table inet __proto__ {
  set constructor { type inet_service; elements = { 22 } }
  chain toString {
    tcp dport @constructor accept
  }
  chain hasOwnProperty {
    type filter hook input priority 0; policy drop;
    ct state established,related accept
    jump toString
  }
}
`

describe.skipIf(skip !== null)('chain, table and set names such as __proto__ in the kernel', () => {
  let world: World
  beforeAll(async () => {
    world = await createWorld()
  })
  afterAll(async () => {
    await world?.destroy()
  })

  const explain = ['--explain', 'in:tcp:198.18.0.2:22', '--explain', 'in:tcp:198.18.0.2:80']

  for (const tool of ['iptables-legacy-restore', 'iptables-nft-restore']) {
    it(`${tool}: exits 0 or 1 and judges through the chains`, async () => {
      await loadNft(world.host, 'flush ruleset\n')
      await loadIptables(world.host, tool, DUMP)
      try {
        const report = await cliIn<FirewallReport>(world.host, ['firewall'])
        expect([0, 1]).toContain(report.exitCode)
        expect(report.json.inbound.ipv4.verdict).toBe('drop')
        const {exitCode, json} = await cliIn<Explanation[]>(world.host, ['firewall', ...explain])
        expect(exitCode).toBe(0)
        expect(json.map((e) => e.verdict)).toEqual(['accept', 'drop'])
      } finally {
        await loadIptables(world.host, tool, EMPTY)
      }
    })
  }

  it('nftables: exits 0 or 1 and judges through the chains and the set', async () => {
    await loadNft(world.host, NFT)
    const report = await cliIn<FirewallReport>(world.host, ['firewall'])
    expect([0, 1]).toContain(report.exitCode)
    const {exitCode, json} = await cliIn<Explanation[]>(world.host, ['firewall', ...explain])
    expect(exitCode).toBe(0)
    expect(json.map((e) => e.verdict)).toEqual(['accept', 'drop'])
  })
})
