import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {EgressReport, Explanation, FirewallReport} from '../../../src/network/index.js'
import {
  cliIn,
  createWorld,
  loadIptables,
  loadNft,
  netnsSkipReason,
  startListeners,
  type Listeners,
  type World,
} from '../../helpers/netns.js'

const skip = netnsSkipReason(['ip', 'nft', 'iptables-legacy-restore', 'iptables-nft-restore'])
if (skip) console.warn(`[skip] iptables tests: ${skip}`)

/** The same policy in iptables-save form; only the restore tool (back end) differs between tests. */
const DUMP = `*filter
:INPUT DROP [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:LLMSEC-IN - [0:0]
-A INPUT -i lo -j ACCEPT
-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A INPUT -p tcp -m multiport --dports 8001,8003:8004 -m comment --comment "inference clients" -j ACCEPT
-A INPUT -p tcp -j LLMSEC-IN
-A LLMSEC-IN -s 198.18.0.0/24 -p tcp -m tcp --dport 8002 -j REJECT --reject-with tcp-reset
-A LLMSEC-IN -j RETURN
-A OUTPUT -p tcp -m conntrack --ctstate NEW -m owner --uid-owner 4242 -j DROP
-A OUTPUT -d 198.18.0.2/32 -p tcp -m conntrack --ctstate NEW -m tcp --dport 8004 -j DROP
COMMIT
`

const EMPTY = `*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
COMMIT
`

describe.skipIf(skip !== null)('iptables rulesets, legacy and nft back ends', () => {
  let world: World
  const listeners: Listeners[] = []

  beforeAll(async () => {
    world = await createWorld()
    for (const ns of [world.host, world.inet]) {
      listeners.push(
        await startListeners(
          ns,
          [8001, 8002, 8003, 8004, 8005].map((port) => ({host: '0.0.0.0', port})),
        ),
      )
    }
  })

  afterAll(async () => {
    for (const l of listeners) await l.stop()
    await world?.destroy()
  })

  const packets = [
    'in:tcp:198.18.0.2:8001',
    'in:tcp:198.18.0.2:8002',
    'in:tcp:198.18.0.2:8004',
    'in:tcp:198.18.0.2:8005',
    'out:tcp:198.18.0.2:8003',
  ]
  const expected = ['accept', 'reject', 'accept', 'drop', 'unknown']

  async function checkAgainstKernel(backend: string): Promise<void> {
    const {json} = await cliIn<Explanation[]>(world.host, ['firewall', ...packets.flatMap((p) => ['--explain', p])])
    expect(json.map((e) => e.verdict)).toEqual(expected)
    expect(json[0].backend).toBe(backend)
    // The owner match cannot be judged: the outbound verdict names it instead of guessing.
    expect(json[4].rule).toContain('--uid-owner 4242')
    const probe = await cliIn<EgressReport>(world.inet, [
      'egress',
      '--timeout',
      '700ms',
      ...[8001, 8002, 8004, 8005].flatMap((p) => ['--target', `${world.hostV4}:${p}`]),
    ])
    const kernel = probe.json.targets.map((t) =>
      t.reachable ? 'accept' : t.error === 'connection refused' ? 'reject' : 'drop',
    )
    expect(kernel).toEqual(expected.slice(0, 4))
    const out = await cliIn<EgressReport>(world.host, [
      'egress',
      '--timeout',
      '700ms',
      '--target',
      `${world.inetV4}:8003`,
      '--target',
      `${world.inetV4}:8004`,
    ])
    expect(out.json.targets.map((t) => t.reachable)).toEqual([true, false])
  }

  it('reads iptables-legacy rules beside an empty nftables ruleset', async () => {
    await loadNft(world.host, 'flush ruleset\n')
    await loadIptables(world.host, 'iptables-legacy-restore', DUMP)
    try {
      await checkAgainstKernel('iptables-legacy')
      const {json} = await cliIn<FirewallReport>(world.host, ['firewall'])
      expect(json.inbound.ipv4.verdict).toBe('drop')
      expect(json.notes.join('\n')).toMatch(/cannot fully interpret .*owner/)
    } finally {
      await loadIptables(world.host, 'iptables-legacy-restore', EMPTY)
    }
  })

  it('reads iptables-nft rules through iptables-nft-save rather than opaque xt expressions', async () => {
    await loadNft(world.host, 'flush ruleset\n')
    await loadIptables(world.host, 'iptables-nft-restore', DUMP)
    await checkAgainstKernel('iptables-nft')
    const {json} = await cliIn<FirewallReport>(world.host, ['firewall'])
    expect(json.sources.map((s) => s.command)).toContain('iptables-nft-save')
    // IPv4 is filtered, IPv6 is not: judged on its own.
    expect(json.inbound.ipv6.verdict).toBe('accept')
    expect(json.findings.map((f) => f.id)).toContain('NET-IPV6-UNFILTERED')
  })
})
