/**
 * Bench: `llmsec firewall` and `llmsec egress` against their peers, in a scratch network namespace.
 *   npx tsx bench/firewall.ts            (needs root, nft, ip; bounded: ~2000 rules, 100 targets)
 * 1. ruleset reading: `llmsec firewall --json` vs `nft -j list ruleset` alone (the raw read llmsec builds on),
 *    and in-process evaluation throughput (packets per second) on that ruleset.
 * 2. egress: `llmsec egress` over 100 dropped targets vs a sequential connect loop in Python (same timeout).
 */
import {randomBytes} from 'node:crypto'
import {join} from 'node:path'

import {runTool} from '../src/core/exec.js'
import {evaluateConnection, parseNftJson} from '../src/network/index.js'

const RULES = 2000
const TARGETS = 100
const TIMEOUT_MS = 300
const bin = join(import.meta.dirname, '..', 'bin', 'run.js')

async function timed(label: string, command: string, args: string[], input?: string): Promise<number> {
  const started = performance.now()
  const result = await runTool(command, args, {timeoutMs: 300_000, input, maxBuffer: 256 * 1024 * 1024})
  const ms = performance.now() - started
  if (result.status !== 'ok' && result.exitCode !== 1) throw new Error(`${label}: ${result.reason}`)
  console.log(`${label.padEnd(44)} ${ms.toFixed(0).padStart(7)} ms`)
  return ms
}

function ruleset(): string {
  const rules = Array.from(
    {length: RULES},
    (_, i) => `    ip saddr 10.${(i >> 8) & 255}.${i & 255}.0/24 tcp dport ${1000 + (i % 5000)} accept`,
  )
  return `flush ruleset\ntable inet filter {\n  chain input {\n    type filter hook input priority 0; policy drop;\n    ct state established,related accept\n${rules.join('\n')}\n  }\n  chain output {\n    type filter hook output priority 0; policy drop;\n    oif lo accept\n  }\n}\n`
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

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('run as root: the bench builds a network namespace')
  const ns = `llmsec-bench-${randomBytes(3).toString('hex')}`
  await runTool('ip', ['netns', 'add', ns])
  try {
    const inNs = (...args: string[]) => ['netns', 'exec', ns, ...args]
    await timed('load ruleset (nft -f)', 'ip', inNs('nft', '-f', '-'), ruleset())
    const peer = await timed('peer: nft -j list ruleset', 'ip', inNs('nft', '-j', 'list', 'ruleset'))
    const ours = await timed('llmsec firewall --json', 'ip', inNs(process.execPath, bin, 'firewall', '--json'))
    console.log(`ratio firewall / nft read: ${(ours / peer).toFixed(1)}x (includes Node and oclif start-up)`)

    const json = (await runTool('ip', inNs('nft', '-j', 'list', 'ruleset'), {maxBuffer: 256 * 1024 * 1024})).stdout
    const parsed = parseNftJson(json)
    const started = performance.now()
    const count = 2000
    for (let i = 0; i < count; i++) {
      evaluateConnection(parsed, {
        direction: 'in',
        protocol: 'tcp',
        family: 4,
        remote: `10.${i & 7}.${i & 255}.9`,
        port: 1000 + (i % 6000),
      })
    }
    const perSecond = count / ((performance.now() - started) / 1000)
    console.log(`evaluation: ${perSecond.toFixed(0)} connections/s on ${RULES} rules (request + reply)`)

    await runTool('ip', ['-n', ns, 'link', 'set', 'lo', 'up'])
    await runTool('ip', ['-n', ns, 'addr', 'add', '198.18.7.1/24', 'dev', 'lo'])
    const targets = Array.from({length: TARGETS}, (_, i) => ['--target', `198.18.7.99:${20000 + i}`]).flat()
    const llmsec = await timed(
      `llmsec egress (${TARGETS} dropped targets)`,
      'ip',
      inNs(
        process.execPath,
        bin,
        'egress',
        '--json',
        '--timeout',
        `${TIMEOUT_MS}ms`,
        '--concurrency',
        '32',
        ...targets,
      ),
    )
    const python = await timed(
      `peer: sequential Python connect loop`,
      'ip',
      inNs('/usr/bin/python3', '-c', PROBE, '198.18.7.99', '20000', String(TARGETS), String(TIMEOUT_MS / 1000)),
    )
    console.log(`ratio python loop / llmsec egress: ${(python / llmsec).toFixed(1)}x faster`)
  } finally {
    await runTool('ip', ['netns', 'del', ns])
  }
}

await main()
