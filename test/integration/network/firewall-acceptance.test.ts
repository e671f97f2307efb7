import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {EgressReport, Explanation, FirewallReport} from '../../../src/network/index.js'
import {hasTool} from '../../helpers/env.js'
import {expectSchema} from '../../helpers/schema.js'
import {
  cliIn,
  createWorld,
  loadNft,
  netnsSkipReason,
  startListeners,
  type Listeners,
  type World,
} from '../../helpers/netns.js'

const skip = netnsSkipReason()
if (skip) console.warn(`[skip] firewall acceptance tests: ${skip}`)

describe.skipIf(skip !== null)('llmsec firewall and egress in network namespaces', () => {
  let world: World
  let remote: Listeners
  let local: Listeners

  beforeAll(async () => {
    world = await createWorld()
    remote = await startListeners(world.inet, [
      {host: '::', port: 8001},
      {host: '::', port: 8002},
    ])
    local = await startListeners(world.host, [
      {host: '127.0.0.1', port: 8000},
      {host: '0.0.0.0', port: 11434},
      {host: '0.0.0.0', port: 8080},
    ])
  })

  afterAll(async () => {
    await remote?.stop()
    await local?.stop()
    await world?.destroy()
  })

  it('with no ruleset, policies are open and a non-loopback inference port is exposed, naming its process', async () => {
    await loadNft(world.host, 'flush ruleset\n')
    const dir = await mkdtemp(join(tmpdir(), 'llmsec-fw-'))
    const config = join(dir, 'llmsec.yaml')
    await writeFile(config, 'inferencePorts:\n  - {port: 8080, service: My LLM gateway}\n')
    const {json, exitCode} = await cliIn<FirewallReport>(world.host, ['firewall', '--config', config]).finally(() =>
      rm(dir, {recursive: true}),
    )
    expect(json.listeners.find((l) => l.port === 8080)).toMatchObject({
      service: 'My LLM gateway',
      inference: true,
      exposed: true,
    })
    expectSchema('firewall', json)
    expect(json.backend).toBe('none')
    expect(json.inbound.defaultPolicy).toBe('accept')
    expect(json.outbound.defaultPolicy).toBe('accept')
    const ollama = json.listeners.find((l) => l.port === 11434)!
    expect(ollama).toMatchObject({exposed: true, verdict: 'accept', process: 'node', address: '0.0.0.0'})
    expect(ollama.pid).toBe(local.pid)
    const exposed = json.findings.find((f) => f.id === 'NET-INFERENCE-EXPOSED' && f.subject.includes('11434'))!
    expect(exposed.severity).toBe('high')
    expect(exposed.evidence.join(' ')).toContain(`node (pid ${local.pid})`)
    expect(exitCode).toBe(1)
  })

  it('loopback is not exposed, 0.0.0.0 accepted is, 0.0.0.0 dropped is not — and the kernel agrees', async () => {
    await loadNft(
      world.host,
      `flush ruleset
table inet filter {
  chain input { type filter hook input priority 0; policy accept; tcp dport 8080 drop; }
}
`,
    )
    const {json} = await cliIn<FirewallReport>(world.host, ['firewall'])
    const byPort = (port: number) => json.listeners.find((l) => l.port === port)!
    expect(byPort(8000)).toMatchObject({exposed: false, verdict: null})
    expect(byPort(11434)).toMatchObject({exposed: true, verdict: 'accept'})
    expect(byPort(8080)).toMatchObject({exposed: false, verdict: 'drop'})
    const probe = await cliIn<EgressReport>(world.inet, [
      'egress',
      '--target',
      `${world.hostV4}:11434`,
      '--target',
      `${world.hostV4}:8080`,
      '--target',
      `${world.hostV4}:8000`,
      '--timeout',
      '800ms',
    ])
    expect(probe.json.targets.map((t) => t.reachable)).toEqual([true, false, false])
  })

  it('output policy drop with one accepted port — egress and the static verdicts agree', async () => {
    await loadNft(
      world.host,
      `flush ruleset
table inet filter {
  chain output {
    type filter hook output priority 0; policy drop;
    oif lo accept
    ct state established,related accept
    ip daddr ${world.inetV4} tcp dport 8001 accept
  }
}
`,
    )
    const target = (port: number) => `${world.inetV4}:${port}`
    const egress = await cliIn<EgressReport>(world.host, [
      'egress',
      '--target',
      target(8001),
      '--target',
      target(8002),
      '--allow',
      target(8001),
      '--timeout',
      '800ms',
    ])
    expect(egress.exitCode).toBe(0)
    expectSchema('egress', egress.json)
    expect(egress.json.targets[0]).toMatchObject({target: target(8001), reachable: true, allowed: true, error: null})
    expect(egress.json.targets[1]).toMatchObject({target: target(8002), reachable: false, allowed: false})
    expect(egress.json.violations).toEqual([])

    const report = await cliIn<FirewallReport>(world.host, ['firewall'])
    expect(report.json.outbound.defaultPolicy).toBe('drop')
    expect(report.json.findings.map((f) => f.id)).not.toContain('NET-OUTBOUND-DEFAULT-ALLOW')
    const explain = await cliIn<Explanation[]>(world.host, [
      'firewall',
      '--explain',
      `out:tcp:${target(8001)}`,
      '--explain',
      `out:tcp:${target(8002)}`,
    ])
    expect(explain.json.map((e) => e.verdict)).toEqual(['accept', 'drop'])
    expect(explain.json[0].rule).toContain('tcp dport 8001')
    expect(explain.json[1].rule).toBe('policy drop')
  })

  it('egress exits 1 when a reachable target is not allowed', async () => {
    await loadNft(world.host, 'flush ruleset\n')
    const egress = await cliIn<EgressReport>(world.host, [
      'egress',
      '--target',
      `${world.inetV4}:8001`,
      '--target',
      `[${world.inetV6}]:8002`,
      '--timeout',
      '800ms',
    ])
    expect(egress.exitCode).toBe(1)
    expect(egress.json.violations).toEqual([`${world.inetV4}:8001`, `[${world.inetV6}]:8002`])
  })

  it.skipIf(!hasTool('setpriv'))('without root it explains what it could not read and exits 0', async () => {
    await loadNft(
      world.host,
      'flush ruleset\ntable inet filter { chain input { type filter hook input priority 0; policy drop; }\n}\n',
    )
    const nobody = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups']
    const {json, exitCode} = await cliIn<FirewallReport>(world.host, ['firewall'], {HOME: '/tmp'}, nobody)
    expect(exitCode).toBe(0)
    expectSchema('firewall', json)
    expect(json.readable).toBe(false)
    expect(json.backend).toBe('unknown')
    expect(json.inbound.defaultPolicy).toBe('unknown')
    const unreadable = json.findings.find((f) => f.id === 'NET-RULESET-UNREADABLE')!
    expect(unreadable.evidence.join('\n')).toMatch(/nft -j list ruleset: .*root/)
    // Never a wrong "blocked": the dropped-by-policy port is unknown, not drop.
    expect(json.listeners.find((l) => l.port === 11434)).toMatchObject({exposed: null, verdict: 'unknown'})
  })
})
