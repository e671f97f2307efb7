import {readFile} from 'node:fs/promises'
import {join} from 'node:path'

import {SAFE_XML_OPTIONS} from '../core/xml-options.js'

/**
 * What ufw and firewalld are configured to do, read from their own files, to name the frontend
 * rule a destination NAT bypasses (`ufw deny 11434/tcp`). Judgement stays on the generated tables:
 * these rules only explain it.
 */
export interface FrontendRule {
  frontend: 'ufw' | 'firewalld'
  /** How the frontend's user writes it: `ufw deny 11434/tcp`, `firewalld zone public (target default) does not open 11434/tcp`. */
  text: string
  file: string
  /** The local ports it is about; null: every port (a default policy). */
  ports: {low: number; high: number}[] | null
  protocol: 'tcp' | 'udp' | 'any'
  /** True: it would let the port in (an allow, an opened port), so nothing is bypassed. */
  allows: boolean
}

/** Config files read at most this large; larger ones are skipped with a note. */
const MAX_FILE_BYTES = 1024 * 1024
const MAX_RULES = 10_000

async function readBounded(root: string, path: string, notes: string[]): Promise<string | null> {
  try {
    const buffer = await readFile(join(root, path))
    if (buffer.length <= MAX_FILE_BYTES) return buffer.toString('utf8')
    notes.push(`${path} is larger than ${MAX_FILE_BYTES} bytes; its rules are not named.`)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code !== 'ENOENT' && code !== 'ENOTDIR') notes.push(`${path} could not be read (${code ?? 'error'}).`)
  }
  return null
}

/** `11434`, `8000:8010`, `80,443`, `any`; null when not understood. */
function parsePorts(text: string, separator: string): {low: number; high: number}[] | null {
  if (text === 'any') return null
  const out: {low: number; high: number}[] = []
  for (const part of text.split(',')) {
    const [a, b] = part.split(separator)
    const low = Number(a)
    const high = b === undefined ? low : Number(b)
    if (!Number.isInteger(low) || !Number.isInteger(high) || low < 1 || high > 65_535 || low > high) return null
    out.push({low, high})
  }
  return out
}

const protocolOf = (text: string | undefined): FrontendRule['protocol'] =>
  text === 'tcp' || text === 'udp' ? text : 'any'

/**
 * ufw's rules, from the `### tuple ###` lines it writes above each rule in user.rules/user6.rules
 * (`### tuple ### deny tcp 11434 0.0.0.0/0 any 0.0.0.0/0 in`), and its default input policy.
 */
async function readUfw(root: string, notes: string[]): Promise<FrontendRule[]> {
  const conf = await readBounded(root, '/etc/ufw/ufw.conf', notes)
  if (conf === null || !/^ENABLED=yes\s*$/m.test(conf)) return []
  const rules: FrontendRule[] = []
  const defaults = (await readBounded(root, '/etc/default/ufw', notes)) ?? ''
  const policy = /^DEFAULT_INPUT_POLICY="?(\w+)"?/m.exec(defaults)?.[1] ?? 'DROP'
  const word = policy === 'ACCEPT' ? 'allow' : policy === 'REJECT' ? 'reject' : 'deny'
  const policyText = `ufw default ${word} incoming (DEFAULT_INPUT_POLICY=${policy})`
  rules.push({
    frontend: 'ufw',
    text: policyText,
    file: '/etc/default/ufw',
    ports: null,
    protocol: 'any',
    allows: word === 'allow',
  })
  for (const file of ['/etc/ufw/user.rules', '/etc/ufw/user6.rules']) {
    const text = (await readBounded(root, file, notes)) ?? ''
    for (const match of text.matchAll(/^### tuple ### (allow|deny|reject|limit) (\S+) (\S+) \S+ \S+ \S+ (in\S*)/gm)) {
      if (rules.length >= MAX_RULES) break
      const [, action, proto, dport, direction] = match
      const ports = parsePorts(dport, ':')
      if (ports === null && dport !== 'any') continue
      const on = direction.startsWith('in_') ? ` on ${direction.slice(3)}` : ''
      const port = dport === 'any' ? 'from anywhere' : `${dport}${proto === 'any' ? '' : `/${proto}`}`
      rules.push({
        frontend: 'ufw',
        text: `ufw ${action}${on ? ` in${on}` : ''} ${port}`,
        file,
        ports,
        protocol: protocolOf(proto),
        allows: action === 'allow' || action === 'limit',
      })
    }
  }
  return rules
}

// Loaded on first use: only hosts with a firewalld zone file pay for the XML parser.
let xmlParser: Promise<{parse(text: string, validate: boolean): unknown}> | undefined
const xml = () =>
  (xmlParser ??= import('fast-xml-parser').then(
    ({XMLParser}) =>
      new XMLParser({
        ...SAFE_XML_OPTIONS,
        isArray: (name) => ['port', 'rule', 'service', 'interface', 'source'].includes(name),
      }),
  ))

type Xml = Record<string, unknown>

const attr = (node: unknown, name: string): string | undefined => {
  const value = node && typeof node === 'object' ? (node as Xml)[`@${name}`] : undefined
  return typeof value === 'string' ? value : undefined
}

/** The default zone's file: the admin's copy in /etc, else the packaged one. */
async function readZone(root: string, zone: string, notes: string[]): Promise<{file: string; doc: Xml} | null> {
  if (!/^[\w.-]{1,64}$/.test(zone)) return null
  for (const dir of ['/etc/firewalld/zones', '/usr/lib/firewalld/zones']) {
    const file = `${dir}/${zone}.xml`
    const text = await readBounded(root, file, notes)
    if (text === null) continue
    try {
      const doc = (await xml()).parse(text, true) as Xml
      if (doc.zone && typeof doc.zone === 'object') return {file, doc: doc.zone as Xml}
      notes.push(`${file} has no <zone> element.`)
    } catch (error) {
      notes.push(`${file} is not well-formed XML: ${(error as Error).message.split('\n')[0]}`)
    }
    return null
  }
  return null
}

function zoneRules(zone: string, file: string, doc: Xml): FrontendRule[] {
  const target = attr(doc, 'target') ?? 'default'
  const rules: FrontendRule[] = []
  const opens = target === 'ACCEPT'
  rules.push({
    frontend: 'firewalld',
    text: `firewalld zone ${zone} (target ${target}) ${opens ? 'accepts' : 'rejects'} ports it does not open`,
    file,
    ports: null,
    protocol: 'any',
    allows: opens,
  })
  for (const port of (doc.port as unknown[] | undefined) ?? []) {
    const ports = parsePorts(attr(port, 'port') ?? '', '-')
    if (!ports) continue
    const protocol = protocolOf(attr(port, 'protocol'))
    const text = `firewalld zone ${zone} opens ${attr(port, 'port')}/${protocol}`
    rules.push({frontend: 'firewalld', text, file, ports, protocol, allows: true})
  }
  for (const rule of ((doc.rule as unknown[] | undefined) ?? []).slice(0, MAX_RULES)) {
    const node = rule as Xml
    const verdict = ['accept', 'reject', 'drop'].find((v) => v in node)
    const port = (node.port as unknown[] | undefined)?.[0]
    const ports = port ? parsePorts(attr(port, 'port') ?? '', '-') : null
    if (!verdict || !ports || 'source' in node) continue
    const protocol = protocolOf(attr(port, 'protocol'))
    const text = `firewalld zone ${zone} rich rule: ${verdict} ${attr(port, 'port')}/${protocol}`
    rules.push({frontend: 'firewalld', text, file, ports, protocol, allows: verdict === 'accept'})
  }
  return rules
}

/** firewalld's default zone: its target, opened ports and port rich rules (services are not resolved). */
async function readFirewalld(root: string, notes: string[]): Promise<FrontendRule[]> {
  const conf = await readBounded(root, '/etc/firewalld/firewalld.conf', notes)
  if (conf === null) return []
  const zone = /^DefaultZone=(\S+)/m.exec(conf)?.[1] ?? 'public'
  const found = await readZone(root, zone, notes)
  if (!found) {
    notes.push(`firewalld's default zone ${zone} could not be read; its rules are not named.`)
    return []
  }
  return zoneRules(zone, found.file, found.doc)
}

/** The rules ufw and firewalld are configured with under `root`, and notes on what could not be read. */
export async function readFrontendRules(root = '/'): Promise<{rules: FrontendRule[]; notes: string[]}> {
  const notes: string[] = []
  const rules = [...(await readUfw(root, notes)), ...(await readFirewalld(root, notes))]
  return {rules, notes}
}

const covers = (rule: FrontendRule, port: number, protocol: 'tcp' | 'udp') =>
  (rule.protocol === 'any' || rule.protocol === protocol) &&
  (rule.ports === null || rule.ports.some((r) => r.low <= port && port <= r.high))

/**
 * The frontend rules a connection to `port` would meet on input, were it not translated: the
 * specific ones that name the port, else the default policy. Empty when they would let it in.
 */
export function bypassedRules(rules: FrontendRule[], port: number, protocol: 'tcp' | 'udp'): string[] {
  const out: string[] = []
  for (const frontend of ['ufw', 'firewalld'] as const) {
    const mine = rules.filter((r) => r.frontend === frontend && covers(r, port, protocol))
    const specific = mine.filter((r) => r.ports !== null)
    const deciding = specific.length > 0 ? specific : mine
    if (deciding.length === 0 || deciding.some((r) => r.allows)) continue
    for (const r of deciding) out.push(`${r.text} (${r.file})`)
  }
  return out
}
