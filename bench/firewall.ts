/**
 * Bench: `llmsec firewall` at kube-proxy scale, the YAML loader at its limits, and `llmsec egress`,
 * each beside its peer in one run, in scratch network namespaces.
 *   npm run build && sudo npx tsx bench/firewall.ts      (needs root, nft, iptables-nft, ip)
 * 1. A kube-proxy ruleset of 8,000 services (24,000 rules, test/helpers/kube-proxy-layout.ts) loaded
 *    with iptables-nft-restore, and nft's native translation of it in a second namespace:
 *    `llmsec firewall --json` vs `iptables-save` and `nft -j list ruleset` printing it (target ≤ 3 s
 *    and within 5×); in-process parsing, and evaluation throughput (target ≥ 10,000 packets/s; a
 *    connection is two packets, request and reply).
 * 2. YAML: 100,000 keys (target ≤ 1 s) and a 4 MiB ruleset (target ≤ 2 s, `llmsec rulesets validate`).
 * 3. egress: `llmsec egress` over 100 dropped targets vs a sequential connect loop in Python.
 * Wall times on a busy machine are inflated by waiting for a core: CPU times are printed beside them.
 */
import {randomBytes} from 'node:crypto'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {availableParallelism, loadavg, tmpdir} from 'node:os'
import {join} from 'node:path'

import {runTool} from '../src/core/exec.js'
import {parseYaml} from '../src/core/yaml.js'
import {evaluateConnection, parseIptablesSave, parseNftJson} from '../src/network/index.js'
import type {PacketSpec, Ruleset} from '../src/network/index.js'
import {kubeProxyIptablesSave} from '../test/helpers/kube-proxy-layout.js'

const SERVICES = 8000
const CONNECTIONS = 5000
const TARGETS = 100
const TIMEOUT_MS = 300
const bin = join(import.meta.dirname, '..', 'bin', 'run.js')
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')

async function timed(label: string, command: string, args: string[], input?: string): Promise<number> {
  const started = performance.now()
  const result = await runTool(command, args, {timeoutMs: 300_000, input, maxBuffer: 512 * 1024 * 1024})
  const ms = performance.now() - started
  if (result.status !== 'ok' && result.exitCode !== 1) throw new Error(`${label}: ${result.reason}`)
  console.log(`${label.padEnd(52)} ${ms.toFixed(0).padStart(7)} ms`)
  return ms
}

/** Runs fn, printing its wall and CPU time (this process). */
function measure<T>(label: string, fn: () => T): {value: T; wallMs: number; cpuMs: number} {
  const cpu = process.cpuUsage()
  const started = performance.now()
  const value = fn()
  const wallMs = performance.now() - started
  const used = process.cpuUsage(cpu)
  const cpuMs = (used.user + used.system) / 1000
  console.log(`${label.padEnd(52)} ${wallMs.toFixed(0).padStart(7)} ms (CPU ${cpuMs.toFixed(0)} ms)`)
  return {value, wallMs, cpuMs}
}

/** Connections of three kinds: to host ports, to service cluster IPs (DNAT), and outbound. */
function connection(i: number): PacketSpec {
  const remote = `192.0.${i & 255}.${(i >> 8) & 255}`
  if (i % 3 === 0) return {direction: 'in', protocol: 'tcp', family: 4, remote, port: 1000 + (i % 6000)}
  if (i % 3 === 1) {
    const service = i % SERVICES
    const local = `10.96.${(service >> 8) & 255}.${service & 255}`
    return {direction: 'in', protocol: 'tcp', family: 4, remote, local, port: 80}
  }
  return {direction: 'out', protocol: 'tcp', family: 4, remote: `203.0.113.${i & 255}`, port: 443}
}

function throughput(label: string, ruleset: Ruleset): void {
  evaluateConnection(ruleset, connection(0)) // builds the chain indexes once
  const {wallMs, cpuMs} = measure(`evaluate ${CONNECTIONS} connections (${label})`, () => {
    for (let i = 0; i < CONNECTIONS; i++) evaluateConnection(ruleset, connection(i))
  })
  const packets = CONNECTIONS * 2
  console.log(
    `  ${(packets / (wallMs / 1000)).toFixed(0)} packets/s wall, ${(packets / (cpuMs / 1000)).toFixed(0)} packets/s per CPU second (target 10,000)`,
  )
}

async function inNamespace<T>(fn: (ns: string, inNs: (...args: string[]) => string[]) => Promise<T>): Promise<T> {
  const ns = `llmsec-bench-${randomBytes(3).toString('hex')}`
  await runTool('ip', ['netns', 'add', ns])
  // A node's own address (llmsec reads the local routing table; cluster IPs are not among them).
  await runTool('ip', ['-n', ns, 'link', 'add', 'node0', 'type', 'dummy'])
  await runTool('ip', ['-n', ns, 'addr', 'add', '192.0.2.10/24', 'dev', 'node0'])
  await runTool('ip', ['-n', ns, 'link', 'set', 'node0', 'up'])
  try {
    return await fn(ns, (...args) => ['netns', 'exec', ns, ...args])
  } finally {
    await runTool('ip', ['netns', 'del', ns])
  }
}

async function firewallBench(): Promise<void> {
  const rules = kubeProxyIptablesSave({services: SERVICES, nodePorts: [[7, 31434]], targetPort: 11434})
  console.log(
    `kube-proxy ruleset: ${SERVICES} services, ${rules.split('\n').filter((l) => l.startsWith('-A')).length} rules`,
  )
  const native = await inNamespace(async (_ns, inNs) => {
    await timed('load (iptables-nft-restore)', 'ip', inNs('iptables-nft-restore'), rules)
    const save = await timed('peer: iptables-save', 'ip', inNs('iptables-nft-save'))
    const nft = await timed('peer: nft -j list ruleset', 'ip', inNs('nft', '-j', 'list', 'ruleset'))
    const ours = await timed(
      'llmsec firewall --json (iptables-nft)',
      'ip',
      inNs(process.execPath, bin, 'firewall', '--json'),
    )
    console.log(
      `  ratio: ${(ours / save).toFixed(1)}x iptables-save, ${(ours / nft).toFixed(1)}x nft (target ≤ 5x, ≤ 3 s)`,
    )
    const text = (await runTool('ip', inNs('nft', 'list', 'ruleset'), {maxBuffer: 512 * 1024 * 1024})).stdout
    return text.replace(/^# Warning:.*$/gm, '')
  })
  const json = await inNamespace(async (_ns, inNs) => {
    await timed('load nft translation (nft -f)', 'ip', inNs('nft', '-f', '-'), native)
    const nft = await timed('peer: nft -j list ruleset (native)', 'ip', inNs('nft', '-j', 'list', 'ruleset'))
    const ours = await timed(
      'llmsec firewall --json (native nft)',
      'ip',
      inNs(process.execPath, bin, 'firewall', '--json'),
    )
    console.log(`  ratio: ${(ours / nft).toFixed(1)}x nft (target ≤ 5x, ≤ 3 s)`)
    return (await runTool('ip', inNs('nft', '-j', 'list', 'ruleset'), {maxBuffer: 512 * 1024 * 1024})).stdout
  })
  const fromSave = measure('parse iptables-save text', () => parseIptablesSave(rules, 'ip', 'iptables-nft')).value
  const fromNft = measure(`parse nft JSON (${(json.length / 1048576).toFixed(1)} MiB)`, () => parseNftJson(json)).value
  throughput('iptables-save', {tables: fromSave.tables, notes: []})
  throughput('nft JSON', fromNft)
}

async function yamlBench(): Promise<void> {
  const keys = `${Array.from({length: 100_000}, (_, i) => `key${i}: ${i}`).join('\n')}\n`
  measure('YAML: 100,000 keys (target ≤ 1 s)', () => parseYaml(keys, 'keys.yaml'))
  const rule = (i: number) =>
    `  - id: rule-${i}\n    title: Rule ${i} of a large ruleset\n    severity: low\n    check: {id: listener-exposure}\n    remediation: Close the port.\n`
  const head = 'apiVersion: llmsec.dev/v1\nkind: Ruleset\nid: big\ntitle: Big\nversion: 1.0.0\nrules:\n'
  const count = Math.floor((4 * 1024 * 1024 - head.length) / rule(99_999).length) - 1
  const text = head + Array.from({length: count}, (_, i) => rule(i)).join('')
  const dir = await mkdtemp(join(tmpdir(), 'llmsec-bench-'))
  try {
    const file = join(dir, 'big.yaml')
    await writeFile(file, text)
    measure(`YAML: ${(text.length / 1048576).toFixed(2)} MiB ruleset, parsed`, () => parseYaml(text, file))
    await timed(`llmsec rulesets validate (${count} rules; target ≤ 2 s)`, process.execPath, [
      bin,
      'rulesets',
      'validate',
      file,
    ])
  } finally {
    await rm(dir, {recursive: true, force: true})
  }
}

const PROBE = `
import socket, sys, time
ok = 0
for port in range(int(sys.argv[2]), int(sys.argv[2]) + int(sys.argv[3])):
    s = socket.socket(); s.settimeout(float(sys.argv[4]))
    try:
        s.connect((sys.argv[1], port)); ok += 1
    except OSError:
        pass
    finally:
        s.close()
print(ok)
`

async function egressBench(): Promise<void> {
  await inNamespace(async (ns, inNs) => {
    await timed(
      'load a drop-all output ruleset (nft -f)',
      'ip',
      inNs('nft', '-f', '-'),
      'table inet f { chain output { type filter hook output priority 0; policy drop; oif lo accept; } }\n',
    )
    await runTool('ip', ['-n', ns, 'link', 'set', 'lo', 'up'])
    await runTool('ip', ['-n', ns, 'addr', 'add', '198.18.7.1/24', 'dev', 'lo'])
    const targets = Array.from({length: TARGETS}, (_, i) => ['--target', `198.18.7.99:${20000 + i}`]).flat()
    const args = ['egress', '--json', '--timeout', `${TIMEOUT_MS}ms`, '--concurrency', '32', ...targets]
    const llmsec = await timed(`llmsec egress (${TARGETS} dropped targets)`, 'ip', inNs(process.execPath, bin, ...args))
    const python = await timed(
      'peer: sequential Python connect loop',
      'ip',
      inNs('/usr/bin/python3', '-c', PROBE, '198.18.7.99', '20000', String(TARGETS), String(TIMEOUT_MS / 1000)),
    )
    console.log(`  ratio python loop / llmsec egress: ${(python / llmsec).toFixed(1)}x faster`)
  })
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('run as root: the bench builds network namespaces')
  console.log(`load average at the start: ${load()} (${availableParallelism()} cores)`)
  await firewallBench()
  await yamlBench()
  await egressBench()
  console.log(`load average at the end: ${load()}`)
  if (loadavg()[0] > availableParallelism()) console.log('warning: the machine is busy; wall times are noisy')
}

await main()
