import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runTool} from '../../../src/core/exec.js'
import {
  evaluateConnection,
  parseIptablesSave,
  parseNftJson,
  type FirewallReport,
  type PacketSpec,
  type PublishedPort,
  type Ruleset,
} from '../../../src/network/index.js'
import {kubeProxyIptablesSave, type KubeProxyLayout} from '../../helpers/kube-proxy-layout.js'
import {
  cliIn,
  createWorld,
  listRuleset,
  loadIptables,
  loadNft,
  netnsSkipReason,
  setSysctl,
} from '../../helpers/netns.js'
import type {World} from '../../helpers/netns.js'

const skip = netnsSkipReason(['ip', 'nft', 'iptables-nft-restore'])
if (skip) console.warn(`[skip] iptables-nft / native nft equivalence tests: ${skip}`)

/**
 * A medium kube-proxy ruleset (300 services, about 1,000 rules, three NodePorts), loaded with
 * iptables-nft-restore in one namespace and as nft's own translation of it in another: the same
 * rules, read by llmsec through iptables-nft-save in the first and nft JSON table by table in the
 * second. Every verdict must be the same; the rule texts differ (iptables words against nft's).
 */
const LAYOUTS: [string, KubeProxyLayout][] = [
  [
    'flannel',
    {
      services: 300,
      nodePorts: [
        [1, 31434],
        [7, 30080],
        [150, 32000],
      ],
      targetPort: 11434,
    },
  ],
  // Without the CNI's forward accept only kube-proxy's mark rule accepts: undecided, in both forms.
  ['no CNI forward accept', {services: 300, nodePorts: [[1, 31434]], targetPort: 11434, cni: 'none'}],
]

/** What a published port means, without the rule texts that name it. */
const meaning = ({natRule: _rule, hooks, ...rest}: PublishedPort) => ({...rest, hooks: hooks.length})
const policy = ({defaultPolicy, ipv4, ipv6}: FirewallReport['inbound']) => ({
  defaultPolicy,
  ipv4: {...ipv4, rule: typeof ipv4.rule},
  ipv6: {...ipv6, rule: typeof ipv6.rule},
})
const verdicts = (report: FirewallReport) => ({
  inbound: policy(report.inbound),
  outbound: policy(report.outbound),
  published: report.published.map(meaning),
  listeners: report.listeners,
})

/** Connections to host ports, to cluster IPs on their service port, to NodePorts, and outbound. */
function sweep(count: number): PacketSpec[] {
  return Array.from({length: count}, (_, i): PacketSpec => {
    const remote = `192.0.${i & 255}.${(i >> 8) & 255}`
    if (i % 4 === 0) return {direction: 'in', protocol: 'tcp', family: 4, remote, port: 1 + ((i * 37) % 65535)}
    if (i % 4 === 1) return {direction: 'in', protocol: 'tcp', family: 4, remote, local: `10.96.0.${i % 300}`, port: 80}
    if (i % 4 === 2)
      return {direction: 'in', protocol: i % 8 === 2 ? 'udp' : 'tcp', family: 4, remote, port: 30000 + (i % 2768)}
    return {direction: 'out', protocol: 'tcp', family: 4, remote: `203.0.113.${i & 255}`, port: 443}
  })
}

describe.skipIf(skip !== null)('the same kube-proxy ruleset as iptables-nft and as native nft', () => {
  let world: World

  beforeAll(async () => {
    world = await createWorld()
    for (const ns of [world.host, world.inet]) await setSysctl(ns, 'net.ipv4.ip_forward', '1')
    // The pod network behind the other end of the veth, as a node routes it to its CNI.
    for (const [ns, via] of [
      [world.host, world.inetV4],
      [world.inet, world.hostV4],
    ])
      await runTool('ip', ['-n', ns, 'route', 'add', '10.244.0.0/16', 'via', via])
  })

  afterAll(async () => {
    await world?.destroy()
  })

  it.each(LAYOUTS)(
    '%s: llmsec firewall --json gives the same verdicts from both',
    async (_, layout) => {
      const rules = kubeProxyIptablesSave(layout)
      await loadNft(world.host, 'flush ruleset\n')
      await loadNft(world.inet, 'flush ruleset\n')
      await loadIptables(world.host, 'iptables-nft-restore', rules)
      // nft prints "# Warning: table ip nat is managed by iptables-nft"; loaded with nft -f they are native tables.
      const native = (await listRuleset(world.host)).replace(/^# Warning:.*$/gm, '')
      await loadNft(world.inet, native)

      const compat = await cliIn<FirewallReport>(world.host, ['firewall'])
      const own = await cliIn<FirewallReport>(world.inet, ['firewall'])
      expect(compat.json.backend).toBe('iptables-nft')
      // iptables-nft-save calls nft's tables "incompatible": they are nft's, read table by table.
      expect(own.json.backend).toBe('nftables')
      expect(own.json.sources.map((s) => s.command)).toContain('nft -j list table ip nat')
      expect(own.json.sources.map((s) => s.command)).not.toContain('nft -j list ruleset')
      expect(verdicts(own.json)).toEqual(verdicts(compat.json))
      expect(own.exitCode).toBe(compat.exitCode)

      // Not vacuous: the NodePort to Ollama is listed, with the verdict the layout implies.
      const nodePort = compat.json.published.find((p) => p.port === 31434 && p.family === 4)!
      expect(nodePort).toMatchObject({service: 'Ollama', forwarded: true})
      expect(nodePort.verdict).toBe(layout.cni === 'none' ? 'unknown' : 'accept')

      // In process, without the tools: 2,000 connections judged alike from the text and from nft's JSON.
      const json = await runTool('ip', ['netns', 'exec', world.inet, 'nft', '-j', 'list', 'ruleset'], {
        maxBuffer: 64 * 1024 * 1024,
      })
      const readings: Ruleset[] = [parseIptablesSave(rules, 'ip', 'iptables-nft'), parseNftJson(json.stdout)]
      const judged = readings.map((ruleset) =>
        sweep(2000).map((spec) => {
          const {verdict, table, chain} = evaluateConnection(ruleset, spec)
          return `${verdict} ${table} ${chain}`
        }),
      )
      expect(judged[1]).toEqual(judged[0])
      expect(new Set(judged[0].map((j) => j.split(' ')[0])).size).toBeGreaterThan(1)
    },
    120_000,
  )
})
