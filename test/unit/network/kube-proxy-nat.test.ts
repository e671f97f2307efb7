import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import type {ExecResult} from '../../../src/core/exec.js'
import {listInferencePorts} from '../../../src/hardware/index.js'
import {findPublishedPorts, type PublishedPort} from '../../../src/network/exposure.js'
import {parseNetwork} from '../../../src/network/ip.js'
import {parseIptablesSave, parseNftJson, readFirewall, type PathEnv, type Ruleset} from '../../../src/network/index.js'
import {parseLocalRoutes, parseRouteBatch} from '../../../src/network/routes.js'
import {repoRoot} from '../../helpers/cli.js'
import {kubeProxyIptablesSave, KUBE_LAYOUTS} from '../../helpers/kube-proxy-layout.js'

const fixture = (name: string) => readFileSync(join(repoRoot, 'fixtures', 'kube-proxy', name), 'utf8')

/** A Kubernetes node as the kernel routes it: pods behind cni0, forwarding on, one node address. */
const NODE: PathEnv = {
  route: (addr) => (addr.startsWith('10.244.') ? {local: false, dev: 'cni0'} : {local: null, dev: null}),
  forwarding: () => true,
  locals: (family) => (family === 4 ? [parseNetwork('192.0.2.10')!] : null),
}
/** The same node when its addresses could not be read. */
const NODE_UNKNOWN_ADDRESSES: PathEnv = {route: NODE.route, forwarding: NODE.forwarding}

const ports = listInferencePorts()
const published = (ruleset: Ruleset, env: PathEnv = NODE): PublishedPort[] =>
  findPublishedPorts(ruleset, {env, ports, families: [4]})
const fromText = (text: string) => parseIptablesSave(text, 'ip', 'iptables-nft')
const of = (list: PublishedPort[], port: number) => list.find((p) => p.port === port)
const meaning = ({natRule: _rule, hooks: _hooks, ...rest}: PublishedPort) => rest

/** The three readings of a fixture: iptables-save, the host's nft JSON (re-read through iptables-nft-save), native nft. */
async function readings(name: string): Promise<Ruleset[]> {
  const rules = fixture(`${name}.rules`)
  const host = await readFirewall(async (command, args) => {
    const stdout = command === 'nft' ? fixture(`${name}.nft.json`) : command === 'iptables-nft-save' ? rules : ''
    return {
      status: stdout ? 'ok' : 'missing',
      command,
      args,
      exitCode: 0,
      stdout,
      stderr: '',
      durationMs: 1,
    } as ExecResult
  })
  expect(host.backend).toBe('iptables-nft')
  return [fromText(rules), host.ruleset, parseNftJson(fixture(`${name}.native.nft.json`))]
}

describe("kube-proxy's NodePorts (generated from kube-proxy's chain layout)", () => {
  it('the fixtures are what the generator writes', () => {
    for (const [name, layout] of Object.entries(KUBE_LAYOUTS))
      expect(fixture(`${name}.rules`)).toBe(kubeProxyIptablesSave(layout))
  })

  it('a NodePort DNATed to a pod is exposed, with its path, read the same from iptables-save and nft JSON', async () => {
    const [text, ...others] = (await readings('kube-nodeport')).map((r) => published(r))
    for (const other of others) expect(other.map(meaning)).toEqual(text.map(meaning))
    expect(of(text, 31434)).toMatchObject({
      to: '10.244.0.1:11434',
      toPort: 11434,
      forwarded: true,
      exposed: true,
      verdict: 'accept',
      service: 'Ollama',
      path: 'dnat 31434 → 10.244.0.1:11434 via forward chain KUBE-FORWARD',
    })
    // The path names kube-proxy's chains: nat PREROUTING's KUBE-SERVICES → KUBE-NODEPORTS → DNAT, then forward.
    const hooks = of(text, 31434)!.hooks
    expect(hooks[0]).toMatch(/^prerouting ip nat PREROUTING: dnat to 10\.244\.0\.1:11434 by ".*DNAT/)
    expect(hooks).toContain('route: 10.244.0.1 is not local, forwarded via cni0')
    // Cluster IPs are not this node's addresses: port 80 is reachable only through a cluster IP.
    expect(of(text, 80)).toBeUndefined()
  })

  it('benign twin, ClusterIP only: nothing is published to other hosts, in every reading', async () => {
    for (const ruleset of await readings('kube-clusterip')) expect(published(ruleset)).toEqual([])
  })

  it("with the node's addresses unknown a cluster IP might be one of them: undecided, never exposed or closed", () => {
    const list = published(fromText(fixture('kube-clusterip.rules')), NODE_UNKNOWN_ADDRESSES)
    expect(of(list, 80)).toMatchObject({exposed: null, verdict: 'unknown'})
    expect(list.every((p) => p.exposed === null)).toBe(true)
  })

  it('a forward DROP before kube-proxy closes the NodePort; one for another port does not', () => {
    const layout = {services: 4, nodePorts: [[1, 31434]] as [number, number][], targetPort: 11434}
    const withDrop = (rule: string) =>
      kubeProxyIptablesSave(layout).replace(
        '-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall"',
        `-A FORWARD ${rule}\n$&`,
      )
    const closed = published(fromText(withDrop('-p tcp -m tcp --dport 11434 -j DROP')))
    expect(of(closed, 31434)).toMatchObject({exposed: false, verdict: 'drop'})
    const other = published(fromText(withDrop('-p tcp -m conntrack --ctstate NEW -m tcp --dport 22 -j DROP')))
    expect(of(other, 31434)).toMatchObject({exposed: true})
  })

  it("without the CNI's forward accept only kube-proxy's mark rule accepts: undecided (marks are not modelled), never closed", () => {
    const text = kubeProxyIptablesSave({services: 4, nodePorts: [[1, 31434]], targetPort: 11434, cni: 'none'})
    expect(of(published(fromText(text)), 31434)).toMatchObject({exposed: null, verdict: 'unknown'})
  })

  it('kube-proxy scale: 8,000 services, the NodePort among them is found', () => {
    const text = kubeProxyIptablesSave({services: 8000, nodePorts: [[7, 31434]], targetPort: 11434})
    expect(of(published(fromText(text)), 31434)).toMatchObject({to: '10.244.0.7:11434', exposed: true})
  })

  it("reads the node's local routing table: addresses and AnyIP prefixes, loopback left out", () => {
    const table = JSON.stringify([
      {type: 'local', dst: '127.0.0.0/8', dev: 'lo'},
      {type: 'local', dst: '192.0.2.10', dev: 'eth0'},
      {type: 'broadcast', dst: '192.0.2.255', dev: 'eth0'},
      {type: 'local', dst: '10.96.0.0/12', dev: 'lo'},
    ])
    expect(parseLocalRoutes(table)).toEqual([parseNetwork('192.0.2.10'), parseNetwork('10.96.0.0/12')])
    // An AnyIP route makes every cluster IP local: port 80 is then reachable through them.
    const anyIp: PathEnv = {...NODE, locals: () => parseLocalRoutes(table)}
    expect(of(published(fromText(fixture('kube-clusterip.rules')), anyIp), 80)?.exposed).not.toBe(false)
    expect(parseLocalRoutes('not json')).toBeNull()
    expect(parseLocalRoutes(JSON.stringify([{type: 'local', dst: 'nonsense'}]))).toBeNull()
  })
})

describe('route lookups in one ip -batch', () => {
  it('matches answers to addresses by dst; a failed lookup (no answer line) stays unknown', () => {
    const out = [
      JSON.stringify([{dst: '10.244.0.1', dev: 'cni0', flags: []}]),
      JSON.stringify([{type: 'local', dst: '192.0.2.10', dev: 'lo'}]),
      JSON.stringify([{dst: 'fd00:0::5', dev: 'eth0'}]),
      'Error: garbage',
    ].join('\n')
    const routes = parseRouteBatch(out)
    expect([...routes.values()]).toEqual([
      {local: false, dev: 'cni0'},
      {local: true, dev: 'lo'},
      {local: false, dev: 'eth0'},
    ])
    expect(routes.size).toBe(3)
  })
})
