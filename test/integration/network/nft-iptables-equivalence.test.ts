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
import {dockerIptablesSave} from '../../helpers/docker-layout.js'
import {kubeProxyIptablesSave} from '../../helpers/kube-proxy-layout.js'
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
 * Medium rulesets in the layouts the issue names, loaded with iptables-nft-restore in one namespace
 * and as nft's own translation in another: the same rules, read by llmsec through iptables-nft-save
 * in the first and nft JSON table by table in the second. Every verdict must be the same; the rule
 * texts differ (iptables words against nft's). kube-proxy: 300 services, about 1,000 rules.
 */
const LAYOUTS: [string, string, {port: number; verdict: string}][] = [
  [
    'kube-proxy, flannel',
    kubeProxyIptablesSave({
      services: 300,
      nodePorts: [
        [1, 31434],
        [7, 30080],
        [150, 32000],
      ],
      targetPort: 11434,
    }),
    {port: 31434, verdict: 'accept'},
  ],
  // Without the CNI's forward accept only kube-proxy's mark rule accepts: undecided, in both forms.
  [
    'kube-proxy, no CNI forward accept',
    kubeProxyIptablesSave({services: 300, nodePorts: [[1, 31434]], targetPort: 11434, cni: 'none'}),
    {port: 31434, verdict: 'unknown'},
  ],
  // Docker's chains, with a user's DOCKER-USER drop for one interface; the containers on 10.244.0.0/16.
  [
    'Docker',
    dockerIptablesSave({
      bridge: 'br0',
      subnet: '10.244.0.0/16',
      containers: [
        {ip: '10.244.0.2', publish: [{hostPort: 11434, containerPort: 11434}]},
        {ip: '10.244.0.3', publish: [{hostPort: 3000, containerPort: 8080}]},
      ],
      dockerUser: ['-i eth9 -j DROP'],
    }),
    {port: 11434, verdict: 'accept'},
  ],
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
    // Half of them to the node's own address, which NodePorts and Docker's DNAT (addrtype LOCAL) translate.
    const local = i % 8 === 0 ? '198.18.0.1' : undefined
    if (i % 4 === 0)
      return {direction: 'in', protocol: 'tcp', family: 4, remote, local, port: [3000, 11434, 31434][i % 3]}
    if (i % 4 === 1) return {direction: 'in', protocol: 'tcp', family: 4, remote, local: `10.96.0.${i % 300}`, port: 80}
    if (i % 4 === 2)
      return {direction: 'in', protocol: i % 8 === 2 ? 'udp' : 'tcp', family: 4, remote, port: 30000 + (i % 2768)}
    return {direction: 'out', protocol: 'tcp', family: 4, remote: `203.0.113.${i & 255}`, port: 443}
  })
}

describe.skipIf(skip !== null)('the same ruleset as iptables-nft and as native nft', () => {
  let world: World

  beforeAll(async () => {
    world = await createWorld()
    for (const ns of [world.host, world.inet]) await setSysctl(ns, 'net.ipv4.ip_forward', '1')
    // The pod (or container) network on a bridge-like device of the same name in both: a veth pair
    // kept inside the namespace (routes name the device, and Docker's rules name its bridge).
    for (const ns of [world.host, world.inet]) {
      await runTool('ip', ['-n', ns, 'link', 'add', 'br0', 'type', 'veth', 'peer', 'name', 'br0p'])
      await runTool('ip', ['-n', ns, 'addr', 'add', '10.244.255.1/16', 'dev', 'br0'])
      for (const dev of ['br0', 'br0p']) await runTool('ip', ['-n', ns, 'link', 'set', dev, 'up'])
    }
  })

  afterAll(async () => {
    await world?.destroy()
  })

  it.each(LAYOUTS)(
    '%s: llmsec firewall --json gives the same verdicts from both',
    async (_, rules, expected) => {
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

      // Not vacuous: the port published to Ollama is listed, with the verdict the layout implies.
      const published = compat.json.published.find((p) => p.port === expected.port && p.family === 4)
      expect(published).toMatchObject({service: 'Ollama', forwarded: true, verdict: expected.verdict})

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
