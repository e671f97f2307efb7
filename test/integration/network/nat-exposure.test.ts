import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runTool} from '../../../src/core/exec.js'
import {binPath} from '../../helpers/cli.js'

import type {AuditResult} from '../../../src/audit/index.js'
import type {Explanation, FirewallReport} from '../../../src/network/index.js'
import {dockerIptablesSave} from '../../helpers/docker-layout.js'
import {kubeProxyIptablesSave, type KubeProxyLayout} from '../../helpers/kube-proxy-layout.js'
import {expectSchema} from '../../helpers/schema.js'
import {
  cliIn,
  createNatWorld,
  kernelVerdicts,
  listRuleset,
  loadIptables,
  loadNft,
  netnsSkipReason,
  setSysctl,
  startListeners,
  type Listeners,
  type NatWorld,
} from '../../helpers/netns.js'

const skip = netnsSkipReason(['ip', 'nft', 'iptables-nft-restore'])
if (skip) console.warn(`[skip] destination NAT exposure tests: ${skip}`)

/** Input denies everything new; only the forward chain decides whether the published port is reachable. */
function ruleset(nat: string, forwardAccept: boolean): string {
  return `flush ruleset
table inet filter {
  chain input { type filter hook input priority 0; policy drop; ct state established,related accept; iif lo accept; }
  chain forward {
    type filter hook forward priority 0; policy drop;
    ct state established,related accept
    ${forwardAccept ? 'ip daddr 10.88.0.2 tcp dport 11434 accept' : ''}
  }
}
table ip nat {
  chain prerouting { type nat hook prerouting priority -100; policy accept; ${nat}; }
}
`
}

const NAT_FORMS: [string, string][] = [
  ['dnat to', 'tcp dport 11434 dnat to 10.88.0.2:11434'],
  ['a set of ports', 'tcp dport { 8000, 11434 } dnat to 10.88.0.2'],
  ['a dnat map', 'dnat to tcp dport map { 11434 : 10.88.0.2 . 11434, 8000 : 10.88.0.2 . 8000 }'],
]

describe.skipIf(skip !== null)('destination NAT in network namespaces: input drop, DNAT to another namespace', () => {
  let world: NatWorld
  let box: Listeners

  beforeAll(async () => {
    world = await createNatWorld()
    box = await startListeners(world.box, [{host: '0.0.0.0', port: 11434}])
  })

  afterAll(async () => {
    await box?.stop()
    await world?.destroy()
  })

  it.each(NAT_FORMS)('%s: the kernel forwards 11434 and llmsec reports it exposed, naming the path', async (_, nat) => {
    await loadNft(world.host, ruleset(nat, true))
    // Another host connects to the host's address; DNAT sends it on to the listener in the box.
    expect(await kernelVerdicts(world.client, [[world.hostV4, 11434]])).toEqual(['accept'])
    const {json, exitCode} = await cliIn<FirewallReport>(world.host, ['firewall'])
    expectSchema('firewall', json)
    expect(json.inbound.defaultPolicy).toBe('drop')
    const published = json.published.find((p) => p.port === 11434 && p.family === 4)!
    expect(published).toMatchObject({
      to: '10.88.0.2:11434',
      forwarded: true,
      service: 'Ollama',
      inference: true,
      exposed: true,
      verdict: 'accept',
      path: 'dnat 11434 → 10.88.0.2:11434 via forward chain forward',
    })
    expect(published.hooks.some((h) => h.startsWith('route: 10.88.0.2 is not local, forwarded via vb'))).toBe(true)
    const finding = json.findings.find((f) => f.id === 'NET-INFERENCE-EXPOSED' && f.subject === 'tcp/11434 Ollama')!
    expect(finding.severity).toBe('high')
    expect(finding.evidence[0]).toContain('dnat 11434 → 10.88.0.2:11434 via forward chain forward')
    expect(exitCode).toBe(1)
  })

  it.each(NAT_FORMS)('%s: without the forward accept the kernel drops it and llmsec agrees', async (_, nat) => {
    await loadNft(world.host, ruleset(nat, false))
    expect(await kernelVerdicts(world.client, [[world.hostV4, 11434]], 1500)).toEqual(['drop'])
    const {json, exitCode} = await cliIn<FirewallReport>(world.host, ['firewall'])
    const published = json.published.find((p) => p.port === 11434 && p.family === 4)!
    expect(published).toMatchObject({exposed: false, verdict: 'drop', to: '10.88.0.2:11434'})
    expect(json.findings.filter((f) => f.id.startsWith('NET-INFERENCE'))).toEqual([])
    expect(exitCode).toBe(0)
  })

  it('--explain follows the translation and prints each hook it passed', async () => {
    const explain = async () =>
      (await cliIn<Explanation>(world.host, ['firewall', '--explain', 'in:tcp:198.18.1.2:11434'])).json
    await loadNft(world.host, ruleset('tcp dport 11434 dnat to 10.88.0.2:11434', true))
    const open = await explain()
    expectSchema('firewall', open)
    expect(open.verdict).toBe('accept')
    expect(open.nat).toBe('dnat to 10.88.0.2:11434 in ip nat prerouting')
    expect(open.hooks).toContain('route: 10.88.0.2 is not local, forwarded via vb')
    expect(open.hooks.some((h) => /^forward inet filter forward: accept by .*10\.88\.0\.2.*11434/.test(h))).toBe(true)
    // Each hook in the order the packet passes it, each naming the rule: prerouting (the DNAT), routing, forward.
    expect(open.hooks[0]).toMatch(/^prerouting ip nat prerouting: dnat to 10\.88\.0\.2:11434 by "tcp dport 11434 dnat/)
    const order = ['prerouting ', 'route: ', 'forward '].map((p) => open.hooks.findIndex((h) => h.startsWith(p)))
    expect(order.every((at, i) => at >= 0 && (i === 0 || at > order[i - 1]))).toBe(true)
    // The text output prints the same path.
    const text = await runTool(
      'ip',
      ['netns', 'exec', world.host, process.execPath, binPath, 'firewall', '--explain', 'in:tcp:198.18.1.2:11434'],
      {env: {NO_COLOR: '1'}},
    )
    expect(text.stdout).toContain('path of the first packet:')
    for (const hook of open.hooks) expect(text.stdout).toContain(hook)
    await loadNft(world.host, ruleset('tcp dport 11434 dnat to 10.88.0.2:11434', false))
    const closed = await explain()
    expect(closed.verdict).toBe('drop')
    expect(closed.hooks.at(-1)).toMatch(/^forward inet filter forward: drop by "policy drop"/)
  })

  it("Docker's own layout loaded with iptables-nft: the kernel forwards 11434, llmsec names the DOCKER chain", async () => {
    const layout = {
      bridge: 'vb',
      subnet: '10.88.0.0/24',
      containers: [{ip: '10.88.0.2', publish: [{hostPort: 11434, containerPort: 11434}]}],
    }
    await loadNft(world.host, 'flush ruleset\n')
    await loadIptables(world.host, 'iptables-nft-restore', dockerIptablesSave(layout))
    expect(await kernelVerdicts(world.client, [[world.hostV4, 11434]])).toEqual(['accept'])
    const {json, exitCode} = await cliIn<FirewallReport>(world.host, ['firewall'])
    expect(json.backend).toBe('iptables-nft')
    expect(json.inbound.ipv4.verdict).toBe('drop')
    expect(json.published.find((p) => p.port === 11434)).toMatchObject({
      exposed: true,
      path: 'dnat 11434 → 10.88.0.2:11434 via forward chain DOCKER',
      service: 'Ollama',
    })
    expect(exitCode).toBe(1)
    // A user's DROP in DOCKER-USER: the kernel drops it, and llmsec agrees.
    await loadNft(world.host, 'flush ruleset\n')
    await loadIptables(world.host, 'iptables-nft-restore', dockerIptablesSave({...layout, dockerUser: ['-j DROP']}))
    expect(await kernelVerdicts(world.client, [[world.hostV4, 11434]], 1500)).toEqual(['drop'])
    const closed = await cliIn<FirewallReport>(world.host, ['firewall'])
    expect(closed.json.published.find((p) => p.port === 11434)).toMatchObject({exposed: false, verdict: 'drop'})
  })

  it("kube-proxy's NodePort to a pod in another namespace: the kernel forwards it, llmsec reports it with the path", async () => {
    // Service 1's pod is the box; the others' pods are nowhere (their DNATs are never taken here).
    const layout: KubeProxyLayout = {
      services: 3,
      nodePorts: [[1, 31434]],
      targetPort: 11434,
      podCidr: '10.88.0.0/16',
      podIp: (i) => (i === 1 ? world.boxV4 : `10.88.1.${i}`),
    }
    const nodePort = async () => {
      const {json, exitCode} = await cliIn<FirewallReport>(world.host, ['firewall'])
      return {exitCode, published: json.published.find((p) => p.port === 31434), inbound: json.inbound}
    }
    for (const form of ['iptables-nft', 'native nft'] as const) {
      await loadNft(world.host, 'flush ruleset\n')
      await loadIptables(world.host, 'iptables-nft-restore', kubeProxyIptablesSave(layout))
      if (form === 'native nft') {
        const text = await listRuleset(world.host)
        await loadNft(world.host, `flush ruleset\n${text.replace(/^# Warning:.*$/gm, '')}`)
      }
      expect(await kernelVerdicts(world.client, [[world.hostV4, 31434]])).toEqual(['accept'])
      const open = await nodePort()
      expect(open.inbound.ipv4.verdict, form).toBe('drop')
      expect(open.published, form).toMatchObject({
        exposed: true,
        to: '10.88.0.2:11434',
        service: 'Ollama',
        path: 'dnat 31434 → 10.88.0.2:11434 via forward chain KUBE-FORWARD',
      })
      expect(open.exitCode, form).toBe(1)
    }
    // The benign twin, ClusterIP only: the kernel drops 31434 from another host, and llmsec publishes nothing.
    await loadNft(world.host, 'flush ruleset\n')
    await loadIptables(world.host, 'iptables-nft-restore', kubeProxyIptablesSave({...layout, nodePorts: []}))
    expect(await kernelVerdicts(world.client, [[world.hostV4, 31434]], 1500)).toEqual(['drop'])
    const closed = await cliIn<FirewallReport>(world.host, ['firewall'])
    expect(closed.json.published).toEqual([])
    expect(closed.json.findings.filter((f) => f.id.startsWith('NET-INFERENCE'))).toEqual([])
  })

  it('the audit uses the same verdict: an input drop that the DNAT bypasses fails firewall-default-deny', async () => {
    const audit = async () =>
      (await cliIn<AuditResult>(world.host, ['audit', '--rule', 'firewall-default-deny'])).json.rules[0]
    await loadNft(world.host, ruleset('tcp dport 11434 dnat to 10.88.0.2:11434', true))
    const bypassed = await audit()
    expect(bypassed.status).toBe('fail')
    expect(bypassed.evidence.join('\n')).toContain(
      'bypassed by destination NAT: Ollama: IPv4 dnat 11434 → 10.88.0.2:11434 via forward chain forward',
    )
    await loadNft(world.host, ruleset('tcp dport 11434 dnat to 10.88.0.2:11434', false))
    expect((await audit()).status).toBe('pass')
  })

  it('with forwarding off the kernel drops the translated packet, and llmsec says why', async () => {
    await loadNft(world.host, ruleset('tcp dport 11434 dnat to 10.88.0.2:11434', true))
    await setSysctl(world.host, 'net.ipv4.ip_forward', '0')
    try {
      expect(await kernelVerdicts(world.client, [[world.hostV4, 11434]], 1500)).toEqual(['drop'])
      const {json} = await cliIn<FirewallReport>(world.host, ['firewall'])
      const published = json.published.find((p) => p.port === 11434 && p.family === 4)!
      expect(published).toMatchObject({exposed: false, verdict: 'drop'})
    } finally {
      await setSysctl(world.host, 'net.ipv4.ip_forward', '1')
    }
  })
})
