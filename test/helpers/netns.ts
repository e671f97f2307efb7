import {randomBytes} from 'node:crypto'
import {existsSync} from 'node:fs'
import {join} from 'node:path'

import {execa, type ResultPromise} from 'execa'

import {runTool, type ExecResult} from '../../src/core/exec.js'
import {binPath, repoRoot} from './cli.js'
import {hasTool, isRoot} from './env.js'

/** Why namespace tests cannot run here, or null when they can. */
export function netnsSkipReason(tools: string[] = ['ip', 'nft']): string | null {
  if (!isRoot) return 'needs root to create network namespaces'
  for (const tool of tools) if (!hasTool(tool)) return `${tool} is not installed`
  if (!existsSync(join(repoRoot, 'dist', 'commands'))) return 'dist/ is missing: run `npm run build` first'
  return null
}

/**
 * Two namespaces joined by a veth pair, with benchmark-range addresses that exist only inside
 * them: "host" (198.18.0.1, fd18::1) holds the firewall, "inet" (198.18.0.2, fd18::2) plays another host.
 */
export interface World {
  host: string
  inet: string
  hostV4: string
  inetV4: string
  hostV6: string
  inetV6: string
  destroy(): Promise<void>
}

async function must(command: string, args: string[], input?: string): Promise<ExecResult> {
  const result = await runTool(command, args, {input, timeoutMs: 20_000})
  if (result.status !== 'ok') throw new Error(`${command} ${args.join(' ')}: ${result.reason}\n${result.stderr}`)
  return result
}

export async function createWorld(): Promise<World> {
  const id = randomBytes(4).toString('hex')
  const host = `llmsec-${id}-h`
  const inet = `llmsec-${id}-i`
  const world: World = {
    host,
    inet,
    hostV4: '198.18.0.1',
    inetV4: '198.18.0.2',
    hostV6: 'fd18::1',
    inetV6: 'fd18::2',
    async destroy() {
      for (const ns of [host, inet]) await runTool('ip', ['netns', 'del', ns])
    },
  }
  try {
    await must('ip', ['netns', 'add', host])
    await must('ip', ['netns', 'add', inet])
    // The veth pair is created inside the host namespace: the machine's own namespace is never touched.
    await must('ip', ['-n', host, 'link', 'add', 'vh', 'type', 'veth', 'peer', 'name', 'vi', 'netns', inet])
    for (const [ns, dev, v4, v6] of [
      [host, 'vh', '198.18.0.1', 'fd18::1'],
      [inet, 'vi', '198.18.0.2', 'fd18::2'],
    ]) {
      await must('ip', ['-n', ns, 'addr', 'add', `${v4}/24`, 'dev', dev])
      await must('ip', ['-n', ns, 'addr', 'add', `${v6}/64`, 'dev', dev, 'nodad'])
      await must('ip', ['-n', ns, 'link', 'set', dev, 'up'])
      await must('ip', ['-n', ns, 'link', 'set', 'lo', 'up'])
    }
  } catch (error) {
    await world.destroy()
    throw error
  }
  return world
}

/**
 * Three namespaces for destination NAT: "host" routes between "client" (another host, on
 * 198.18.1.0/24) and "box" (a container, 10.88.0.2 behind 10.88.0.1), with forwarding on.
 */
export interface NatWorld {
  host: string
  client: string
  box: string
  /** The host's address as the client sees it. */
  hostV4: string
  boxV4: string
  destroy(): Promise<void>
}

export async function createNatWorld(): Promise<NatWorld> {
  const id = randomBytes(4).toString('hex')
  const [host, client, box] = ['h', 'c', 'b'].map((s) => `llmsec-${id}-${s}`)
  const world: NatWorld = {
    host,
    client,
    box,
    hostV4: '198.18.1.1',
    boxV4: '10.88.0.2',
    async destroy() {
      for (const ns of [host, client, box]) await runTool('ip', ['netns', 'del', ns])
    },
  }
  try {
    for (const ns of [host, client, box]) {
      await must('ip', ['netns', 'add', ns])
      await must('ip', ['-n', ns, 'link', 'set', 'lo', 'up'])
    }
    // Both veth pairs are created inside the host namespace: the machine's own namespace is never touched.
    await must('ip', ['-n', host, 'link', 'add', 'vc', 'type', 'veth', 'peer', 'name', 'vh', 'netns', client])
    await must('ip', ['-n', host, 'link', 'add', 'vb', 'type', 'veth', 'peer', 'name', 'vh', 'netns', box])
    for (const [ns, dev, addr] of [
      [host, 'vc', '198.18.1.1/24'],
      [client, 'vh', '198.18.1.2/24'],
      [host, 'vb', '10.88.0.1/24'],
      [box, 'vh', '10.88.0.2/24'],
    ]) {
      await must('ip', ['-n', ns, 'addr', 'add', addr, 'dev', dev])
      await must('ip', ['-n', ns, 'link', 'set', dev, 'up'])
    }
    await must('ip', ['-n', box, 'route', 'add', 'default', 'via', '10.88.0.1'])
    await setSysctl(host, 'net.ipv4.ip_forward', '1')
  } catch (error) {
    await world.destroy()
    throw error
  }
  return world
}

/** Sets a sysctl inside a namespace (per-namespace ones only, such as net.ipv4.ip_forward). */
export async function setSysctl(ns: string, name: string, value: string): Promise<void> {
  await must('ip', ['netns', 'exec', ns, 'sysctl', '-q', '-w', `${name}=${value}`])
}

/** Replaces the namespace's nftables ruleset (the text should start with `flush ruleset`). */
export async function loadNft(ns: string, ruleset: string): Promise<void> {
  await must('ip', ['netns', 'exec', ns, 'nft', '-f', '-'], ruleset)
}

/** The namespace's ruleset as `nft list ruleset` prints it (iptables-nft tables in nft's own syntax). */
export async function listRuleset(ns: string): Promise<string> {
  return (await must('ip', ['netns', 'exec', ns, 'nft', 'list', 'ruleset'])).stdout
}

/** Loads an iptables-save style dump with the given restore tool (iptables-legacy-restore, iptables-nft-restore…). */
export async function loadIptables(ns: string, tool: string, dump: string): Promise<void> {
  await must('ip', ['netns', 'exec', ns, tool], dump)
}

/** Runs the built CLI inside a namespace and returns the exit code and parsed JSON. */
export async function cliIn<T>(
  ns: string,
  args: string[],
  env: Record<string, string> = {},
  prefix: string[] = [],
): Promise<{exitCode: number | null; json: T; stderr: string}> {
  const result = await runTool('ip', ['netns', 'exec', ns, ...prefix, process.execPath, binPath, ...args, '--json'], {
    timeoutMs: 60_000,
    env: {NO_COLOR: '1', ...env},
    cwd: repoRoot,
  })
  let json: T
  try {
    json = JSON.parse(result.stdout) as T
  } catch {
    throw new Error(`not JSON (exit ${result.exitCode}): ${result.stdout}\n${result.stderr}`)
  }
  return {exitCode: result.exitCode, json, stderr: result.stderr}
}

const LISTENER = `
const net = require('node:net'), dgram = require('node:dgram')
const specs = JSON.parse(process.argv[1])
let pending = specs.length
const ready = () => { if (--pending === 0) process.stdout.write('ready\\n') }
for (const s of specs) {
  if (s.dns) {
    const sock = dgram.createSocket(s.host.includes(':') ? 'udp6' : 'udp4')
    sock.on('message', (m, r) => { const a = Buffer.from(m); a[2] |= 0x80; sock.send(a, r.port, r.address) })
    sock.bind(s.port, s.host, ready)
  } else net.createServer((c) => c.end()).listen({port: s.port, host: s.host, ipv6Only: !!s.v6only}, ready)
}
setTimeout(() => process.exit(0), 1_200_000).unref()
process.stdin.on('data', () => {})
`

export interface ListenerSpec {
  host: string
  port: number
  dns?: boolean
  v6only?: boolean
}

export interface Listeners {
  pid: number
  stop(): Promise<void>
}

/** Starts TCP servers (and DNS responders) inside a namespace; ends them by PID in stop(). */
export async function startListeners(ns: string, specs: ListenerSpec[]): Promise<Listeners> {
  const child: ResultPromise = execa(
    'ip',
    ['netns', 'exec', ns, process.execPath, '-e', LISTENER, JSON.stringify(specs)],
    {
      reject: false,
      stdin: 'pipe',
    },
  )
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('listeners did not start')), 10_000)
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) {
        clearTimeout(timer)
        resolve()
      }
    })
    child.once('exit', () => reject(new Error('listener process exited early')))
  })
  return {
    pid: child.pid!,
    async stop() {
      child.kill('SIGTERM')
      await child
    },
  }
}

const PROBE = `
const net = require('node:net')
const [targets, timeout] = [JSON.parse(process.argv[1]), Number(process.argv[2])]
Promise.all(targets.map(([host, port]) => new Promise((done) => {
  const s = net.connect({host, port})
  const end = (v) => { clearTimeout(t); s.destroy(); done(v) }
  const t = setTimeout(() => end('drop'), timeout)
  s.once('connect', () => end('accept'))
  s.once('error', (e) => end(e.code === 'ECONNREFUSED' ? 'reject' : 'drop'))
}))).then((r) => process.stdout.write(JSON.stringify(r)))
`

/**
 * What the kernel does with TCP connections from inside a namespace: accept (connected),
 * reject (refused) or drop (timed out or EPERM). A small script, so large matrices stay fast.
 */
export async function kernelVerdicts(
  ns: string,
  targets: [string, number][],
  timeoutMs = 3000,
): Promise<('accept' | 'drop' | 'reject')[]> {
  const result = await must('ip', [
    'netns',
    'exec',
    ns,
    process.execPath,
    '-e',
    PROBE,
    JSON.stringify(targets),
    String(timeoutMs),
  ])
  return JSON.parse(result.stdout) as ('accept' | 'drop' | 'reject')[]
}
