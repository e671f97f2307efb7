import {coreError} from '../core/errors.js'
import type {
  Action,
  Chain,
  Condition,
  Field,
  Hook,
  MatchValue,
  Rule,
  Ruleset,
  Table,
  TableFamily,
} from './ruleset.types.js'
import {normaliseProtocol, rangeValue, scalarValue} from './values.js'

type Json = unknown
type Obj = Record<string, Json>

const isObj = (v: Json): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const onlyKey = (v: Json): string | null => (isObj(v) && Object.keys(v).length === 1 ? Object.keys(v)[0] : null)

/** Upper bound on objects in a ruleset document, so a hostile file cannot make us loop for long. */
const MAX_ITEMS = 500_000

interface Sets {
  /** Named sets and maps of one table: their raw elements. */
  [name: string]: Json[]
}

interface Parsed {
  table: Table
  sets: Sets
  rules: Obj[]
}

const FAMILIES = new Set(['ip', 'ip6', 'inet', 'arp', 'bridge', 'netdev'])
const HOOKS = new Set(['prerouting', 'input', 'forward', 'output', 'postrouting', 'ingress', 'egress'])
const TRANSPORT = new Set(['tcp', 'udp', 'sctp', 'dccp', 'udplite'])
const NON_TERMINAL = new Set([
  'counter',
  'log',
  'mangle',
  'set',
  'map',
  'ct',
  'meta',
  'dup',
  'secmark',
  'comment',
  'xt-comment',
])
const UNKNOWN_ACTIONS = new Set(['dnat', 'redirect', 'tproxy', 'queue', 'fwd', 'synproxy', 'notrack'])
const XT_NON_TERMINAL = new Set(['LOG', 'NFLOG', 'MARK', 'CONNMARK', 'TRACE', 'TCPMSS', 'CHECKSUM', 'comment'])

interface Target {
  field: Field | null
  implied: Condition[]
  label: string
}

const is = (field: Field, text: string): Condition => ({field, negate: false, values: [{kind: 'str', text}]})

function payloadTarget(protocol: string, field: string): Target {
  const label = `${protocol} ${field}`
  if (protocol === 'ip' || protocol === 'ip6') {
    const implied = [is('nfproto', protocol === 'ip' ? 'ipv4' : 'ipv6')]
    if (field === 'saddr' || field === 'daddr') return {field, implied, label}
    if (field === 'protocol' || field === 'nexthdr') return {field: 'l4proto', implied, label}
    return {field: null, implied, label}
  }
  if (TRANSPORT.has(protocol) || protocol === 'th') {
    const implied = protocol === 'th' ? [] : [is('l4proto', protocol)]
    return {field: field === 'sport' || field === 'dport' ? field : null, implied, label}
  }
  if (protocol === 'icmp' || protocol === 'icmpv6' || protocol === 'igmp' || protocol === 'esp' || protocol === 'ah') {
    return {field: null, implied: [is('l4proto', normaliseProtocol(protocol))], label}
  }
  return {field: null, implied: [], label}
}

const META_FIELDS: Record<string, Field> = {
  iif: 'iif',
  iifname: 'iif',
  oif: 'oif',
  oifname: 'oif',
  l4proto: 'l4proto',
  nfproto: 'nfproto',
  protocol: 'nfproto',
}

function describeTarget(left: Json): Target {
  if (isObj(left) && isObj(left.payload)) {
    const p = left.payload
    if (typeof p.protocol === 'string' && typeof p.field === 'string') return payloadTarget(p.protocol, p.field)
  }
  if (isObj(left) && isObj(left.meta) && typeof left.meta.key === 'string') {
    return {field: META_FIELDS[left.meta.key] ?? null, implied: [], label: `meta ${left.meta.key}`}
  }
  if (isObj(left) && isObj(left.ct) && left.ct.key === 'state' && left.ct.dir === undefined) {
    return {field: 'ctstate', implied: [], label: 'ct state'}
  }
  return {field: null, implied: impliedProtocols(left, 0), label: JSON.stringify(left).slice(0, 80)}
}

/** Payload expressions buried in binary operations still imply their protocol (tcp flags & syn). */
function impliedProtocols(node: Json, depth: number): Condition[] {
  if (depth > 8 || node === null || typeof node !== 'object') return []
  if (isObj(node) && isObj(node.payload) && typeof node.payload.protocol === 'string') {
    return payloadTarget(node.payload.protocol, '').implied
  }
  const children = Array.isArray(node) ? node : Object.values(node)
  return children.flatMap((child) => impliedProtocols(child, depth + 1))
}

function convertValues(field: Field, right: Json, sets: Sets, depth = 0): MatchValue[] | null {
  if (depth > 4) return null
  if (typeof right === 'string' && right.startsWith('@')) {
    const elements = sets[right.slice(1)]
    return elements ? convertValues(field, elements, sets, depth + 1) : null
  }
  if (typeof right === 'string' || typeof right === 'number') {
    const one = scalarValue(field, right)
    return one ? [one] : null
  }
  if (Array.isArray(right) || (isObj(right) && Array.isArray(right.set))) {
    const list = Array.isArray(right) ? right : (right.set as Json[])
    const out: MatchValue[] = []
    for (const element of list) {
      const converted = convertValues(field, element, sets, depth + 1)
      if (!converted) return null
      out.push(...converted)
    }
    return out
  }
  if (isObj(right) && isObj(right.prefix)) {
    const {addr, len} = right.prefix
    return typeof addr === 'string' && typeof len === 'number' ? convertValues(field, `${addr}/${len}`, sets) : null
  }
  if (isObj(right) && Array.isArray(right.range) && right.range.length === 2) {
    const [a, b] = right.range
    const value = typeof a === 'string' || typeof a === 'number' ? rangeValue(field, a, b as string | number) : null
    return value ? [value] : null
  }
  if (isObj(right) && isObj(right.elem)) return convertValues(field, right.elem.val, sets, depth + 1)
  return null
}

function describeValue(right: Json): string {
  if (typeof right === 'string' || typeof right === 'number') return String(right)
  if (Array.isArray(right)) return right.map(describeValue).join(',')
  if (isObj(right) && Array.isArray(right.set)) return `{ ${right.set.map(describeValue).join(', ')} }`
  if (isObj(right) && isObj(right.prefix)) return `${right.prefix.addr}/${right.prefix.len}`
  if (isObj(right) && Array.isArray(right.range)) return right.range.map(describeValue).join('-')
  if (isObj(right) && isObj(right.elem)) return describeValue(right.elem.val)
  return JSON.stringify(right).slice(0, 60)
}

function convertMatch(match: Obj, sets: Sets): {conditions: Condition[]; text: string} {
  const target = describeTarget(match.left)
  const op = String(match.op ?? '==')
  const text = `${target.label} ${op === '==' || op === 'in' ? '' : `${op} `}${describeValue(match.right)}`
  const unknown: Condition = {field: 'unknown', what: text}
  if (!target.field) return {conditions: [...target.implied, unknown], text}
  const values = convertValues(target.field, match.right, sets)
  if (!values) return {conditions: [...target.implied, unknown], text}
  if (op === '==' || op === 'in' || op === '!=') {
    return {conditions: [...target.implied, {field: target.field, negate: op === '!=', values}], text}
  }
  const single = values.length === 1 && values[0].kind === 'num' ? values[0] : null
  if (single && ['<', '>', '<=', '>='].includes(op)) {
    const bound = single.low
    const low = op === '>' ? bound + 1 : op === '>=' ? bound : 0
    const high = op === '<' ? bound - 1 : op === '<=' ? bound : 65_535
    return {
      conditions: [...target.implied, {field: target.field, negate: false, values: [{kind: 'num', low, high}]}],
      text,
    }
  }
  return {conditions: [...target.implied, unknown], text}
}

function verdictAction(key: string, body: Json): Action | null | undefined {
  if (key === 'accept' || key === 'drop' || key === 'reject' || key === 'return') return {kind: key}
  if (key === 'continue') return null
  if ((key === 'jump' || key === 'goto') && isObj(body) && typeof body.target === 'string') {
    return {kind: key, target: body.target}
  }
  return undefined
}

function convertVmap(body: Json, sets: Sets, conditions: Condition[]): Action {
  if (!isObj(body)) return {kind: 'unknown', what: 'vmap'}
  const target = describeTarget(body.key)
  // tcp dport vmap {…} only applies to tcp packets, like any tcp dport match.
  conditions.push(...target.implied)
  const data = body.data
  const pairs = typeof data === 'string' && data.startsWith('@') ? sets[data.slice(1)] : isObj(data) ? data.set : null
  if (!target.field || !Array.isArray(pairs)) return {kind: 'unknown', what: 'vmap'}
  const entries: {values: MatchValue[]; action: Action}[] = []
  for (const pair of pairs) {
    const [key, verdict] = Array.isArray(pair) ? pair : isObj(pair) && Array.isArray(pair.elem) ? pair.elem : []
    const values = convertValues(target.field, key, sets)
    const name = onlyKey(verdict)
    const action = name ? verdictAction(name, (verdict as Obj)[name]) : undefined
    if (!values || action === undefined) return {kind: 'unknown', what: 'vmap'}
    entries.push({values, action: action ?? {kind: 'return'}})
  }
  return {kind: 'vmap', field: target.field, entries}
}

/** Converts one nft JSON rule into conditions and an action; what it cannot read becomes unknown. */
function convertNftRule(raw: Obj, sets: Sets): Rule {
  const conditions: Condition[] = []
  const words: string[] = []
  let action: Action | null = null
  const exprs = Array.isArray(raw.expr) ? raw.expr : []
  for (const expr of exprs) {
    if (action) break
    const key = onlyKey(expr)
    const body = key ? (expr as Obj)[key] : undefined
    if (key === 'match' && isObj(body)) {
      const converted = convertMatch(body, sets)
      conditions.push(...converted.conditions)
      words.push(converted.text)
      continue
    }
    words.push(key === 'jump' || key === 'goto' ? `${key} ${(body as Obj)?.target}` : (key ?? '?'))
    const verdict = key ? verdictAction(key, body) : undefined
    if (verdict !== undefined) action = verdict
    else if (key === 'snat' || key === 'masquerade') action = {kind: 'nat'}
    else if (key === 'vmap') action = convertVmap(body, sets, conditions)
    else if (key && UNKNOWN_ACTIONS.has(key)) action = {kind: 'unknown', what: key}
    else if (key === 'xt' && isObj(body)) {
      const name = String(body.name)
      words[words.length - 1] = `xt ${body.type} ${name}`
      if (XT_NON_TERMINAL.has(name)) continue
      if (body.type === 'target') action = {kind: 'unknown', what: `xt target ${name}`}
      else conditions.push({field: 'unknown', what: `xt match ${name}`})
    } else if (key && NON_TERMINAL.has(key)) continue
    else conditions.push({field: 'unknown', what: key ?? 'expression'})
  }
  const comment = typeof raw.comment === 'string' ? ` comment "${raw.comment}"` : ''
  return {
    id: String(raw.handle ?? '?'),
    text: `${words.join(' ')}${comment} # handle ${raw.handle ?? '?'}`,
    conditions,
    action,
  }
}

function addChain(parsed: Parsed, body: Obj): void {
  const chain: Chain = {name: String(body.name), rules: []}
  if (typeof body.hook === 'string' && HOOKS.has(body.hook)) chain.hook = body.hook as Hook
  if (body.type === 'filter' || body.type === 'nat' || body.type === 'route') chain.type = body.type
  if (typeof body.prio === 'number') chain.priority = body.prio
  if (body.policy === 'drop' || body.policy === 'accept') chain.policy = body.policy
  if (typeof body.dev === 'string') chain.device = body.dev
  parsed.table.chains[chain.name] = chain
}

function collect(items: Json[], notes: string[]): Map<string, Parsed> {
  const tables = new Map<string, Parsed>()
  const tableOf = (body: Obj): Parsed | undefined => tables.get(`${body.family} ${body.table ?? body.name}`)
  for (const item of items.slice(0, MAX_ITEMS)) {
    const key = onlyKey(item)
    const body = key ? (item as Obj)[key] : null
    if (!key || !isObj(body)) continue
    if (key === 'table' && FAMILIES.has(String(body.family))) {
      const table: Table = {family: body.family as TableFamily, name: String(body.name), source: 'nftables', chains: {}}
      tables.set(`${body.family} ${body.name}`, {table, sets: {}, rules: []})
    } else if (key === 'chain') {
      const parsed = tableOf(body)
      if (parsed) addChain(parsed, body)
    } else if (key === 'set' || key === 'map') {
      const parsed = tableOf(body)
      if (parsed) parsed.sets[String(body.name)] = Array.isArray(body.elem) ? body.elem : []
    } else if (key === 'rule') tableOf(body)?.rules.push(body)
  }
  if (items.length > MAX_ITEMS) notes.push(`Only the first ${MAX_ITEMS} nft objects were read.`)
  return tables
}

/** Parses `nft -j list ruleset` output. Throws INPUT_MALFORMED when it is not nft JSON. */
export function parseNftJson(text: string): Ruleset {
  let doc: Json
  try {
    doc = JSON.parse(text)
  } catch (error) {
    throw coreError('INPUT_MALFORMED', `nft JSON output is not JSON: ${(error as Error).message}`)
  }
  if (!isObj(doc) || !Array.isArray(doc.nftables)) {
    throw coreError('INPUT_MALFORMED', 'nft JSON output has no "nftables" array.')
  }
  const notes: string[] = []
  const tables = collect(doc.nftables, notes)
  for (const {table, sets, rules} of tables.values()) {
    for (const raw of rules) {
      const chain = table.chains[String(raw.chain)]
      if (!chain) continue
      const rule = convertNftRule(raw, sets)
      chain.rules.push(rule)
      const unclear = [
        ...rule.conditions.filter((c) => c.field === 'unknown'),
        ...(rule.action?.kind === 'unknown' ? [rule.action] : []),
      ]
      if (unclear.length > 0)
        notes.push(`${table.family} ${table.name} ${chain.name}: cannot fully interpret "${rule.text}"`)
    }
  }
  return {tables: [...tables.values()].map((p) => p.table), notes}
}
