import {append} from '../core/arrays.js'
import {coreError} from '../core/errors.js'
import {noteMissingTargets} from './ruleset-notes.js'
import {isObj, onlyKey, text, type Json, type Obj} from './json-values.js'
import {convertMatch, convertValues, describeTarget, is, type Sets} from './nft-expr.js'
import type {Action, Chain, Condition, Hook, MatchValue, NatTarget, Rule, Ruleset, Table} from './ruleset.types.js'
import {rangeValue, scalarValue} from './values.js'

/** Upper bound on objects in a ruleset document, so a hostile file cannot make us loop for long. */
const MAX_ITEMS = 500_000

interface Parsed {
  table: Table
  sets: Sets
  rules: Obj[]
}

const FAMILIES = new Set(['ip', 'ip6', 'inet', 'arp', 'bridge', 'netdev'])
const HOOKS = new Set(['prerouting', 'input', 'forward', 'output', 'postrouting', 'ingress', 'egress'])
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
  'limit',
  'quota',
])
const UNKNOWN_ACTIONS = new Set(['tproxy', 'queue', 'fwd', 'synproxy', 'notrack'])
const XT_NON_TERMINAL = new Set(['LOG', 'NFLOG', 'MARK', 'CONNMARK', 'TRACE', 'TCPMSS', 'CHECKSUM', 'comment'])

function verdictAction(key: string, body: Json): Action | null | undefined {
  if (key === 'accept' || key === 'drop' || key === 'reject' || key === 'return') return {kind: key}
  if (key === 'continue') return null
  const target = isObj(body) ? text(body.target) : undefined
  if ((key === 'jump' || key === 'goto') && target !== undefined) return {kind: key, target}
  return undefined
}

/** The pairs of an anonymous or named map: `[[key, value], …]` or `{elem: [key, value]}` items. */
function mapPairs(data: Json, sets: Sets): [Json, Json][] | null {
  const list = typeof data === 'string' && data.startsWith('@') ? sets.elements.get(data.slice(1)) : undefined
  const items = list ?? (isObj(data) && Array.isArray(data.set) ? data.set : null)
  if (!items) return null
  const pairs: [Json, Json][] = []
  for (const item of items) {
    const pair = Array.isArray(item) ? item : isObj(item) && Array.isArray(item.elem) ? item.elem : null
    if (!pair || pair.length !== 2) return null
    pairs.push([pair[0], pair[1]])
  }
  return pairs
}

function convertVmap(body: Json, sets: Sets, conditions: Condition[]): Action {
  if (!isObj(body)) return {kind: 'unknown', what: 'vmap'}
  const target = describeTarget(body.key)
  // tcp dport vmap {…} only applies to tcp packets, like any tcp dport match.
  append(conditions, target.implied)
  const pairs = mapPairs(body.data, sets)
  if (!target.field || !pairs) return {kind: 'unknown', what: 'vmap'}
  const entries: {values: MatchValue[]; action: Action}[] = []
  for (const [key, verdict] of pairs) {
    const values = convertValues(target.field, key, sets)
    const name = onlyKey(verdict)
    const action = name ? verdictAction(name, (verdict as Obj)[name]) : undefined
    if (!values || action === undefined) return {kind: 'unknown', what: 'vmap'}
    entries.push({values, action: action ?? {kind: 'return'}})
  }
  return {kind: 'vmap', field: target.field, entries}
}

function natPort(raw: Json): NatTarget['port'] | null {
  if (raw === undefined) return undefined
  const scalar = text(raw)
  const value =
    scalar !== undefined
      ? scalarValue('dport', scalar)
      : isObj(raw) && Array.isArray(raw.range) && raw.range.length === 2
        ? rangeValue('dport', text(raw.range[0]) ?? '', text(raw.range[1]) ?? '')
        : null
  return value?.kind === 'num' ? {low: value.low, high: value.high} : null
}

/** A dnat target value: "addr", or {concat: [addr, port]} in a map. */
function natTarget(addr: Json, port: Json, family: 4 | 6 | undefined): NatTarget | null {
  if (isObj(addr) && Array.isArray(addr.concat) && addr.concat.length === 2 && port === undefined) {
    return natTarget(addr.concat[0], addr.concat[1], family)
  }
  const address = text(addr)
  const range = natPort(port)
  if (address === undefined || scalarValue('daddr', address) === null || range === null) return null
  return {addr: address, port: range, family}
}

/** `dnat to …`, `dnat ip to tcp dport map {…}` and `redirect to :port`. */
function convertDnat(key: 'dnat' | 'redirect', body: Json, sets: Sets, conditions: Condition[]): Action {
  const fields = isObj(body) ? body : {}
  const port = natPort(fields.port)
  if (key === 'redirect') return port === null ? {kind: 'unknown', what: 'redirect'} : {kind: 'dnat', to: {port}}
  const family = fields.family === 'ip' ? 4 : fields.family === 'ip6' ? 6 : undefined
  if (family) conditions.push(is('nfproto', family === 4 ? 'ipv4' : 'ipv6'))
  const map = isObj(fields.addr) && isObj(fields.addr.map) ? fields.addr.map : null
  if (!map) {
    const to = natTarget(fields.addr, fields.port, family)
    return to ? {kind: 'dnat', to} : {kind: 'unknown', what: 'dnat'}
  }
  const target = describeTarget(map.key)
  append(conditions, target.implied)
  const pairs = mapPairs(map.data, sets)
  if (!target.field || !pairs) return {kind: 'unknown', what: 'dnat map'}
  const entries: {values: MatchValue[]; action: Action}[] = []
  for (const [keyValue, value] of pairs) {
    const values = convertValues(target.field, keyValue, sets)
    const to = natTarget(value, fields.port, family)
    if (!values || !to) return {kind: 'unknown', what: 'dnat map'}
    entries.push({values, action: {kind: 'dnat', to}})
  }
  return {kind: 'vmap', field: target.field, entries}
}

function statementAction(key: string | null, body: Json, sets: Sets, conditions: Condition[]): Action | null | 'go-on' {
  const verdict = key ? verdictAction(key, body) : undefined
  if (verdict !== undefined) return verdict
  if (key === 'snat' || key === 'masquerade') return {kind: 'nat'}
  if (key === 'dnat' || key === 'redirect') return convertDnat(key, body, sets, conditions)
  if (key === 'vmap') return convertVmap(body, sets, conditions)
  if (key && UNKNOWN_ACTIONS.has(key)) return {kind: 'unknown', what: key}
  if (key === 'xt' && isObj(body)) {
    const name = text(body.name) ?? '?'
    if (XT_NON_TERMINAL.has(name)) return 'go-on'
    if (body.type === 'target') return {kind: 'unknown', what: `xt target ${name}`}
    conditions.push({field: 'unknown', what: `xt match ${name}`})
    return 'go-on'
  }
  if (key && NON_TERMINAL.has(key)) return 'go-on'
  conditions.push({field: 'unknown', what: key ?? 'expression'})
  return 'go-on'
}

function statementWord(key: string | null, body: Json): string {
  if (key === 'jump' || key === 'goto') return `${key} ${(isObj(body) && text(body.target)) || '?'}`
  if (key === 'xt' && isObj(body)) return `xt ${text(body.type) ?? '?'} ${text(body.name) ?? '?'}`
  if (key === 'dnat' && isObj(body) && text(body.addr) !== undefined) {
    const port = text(body.port)
    return `dnat to ${text(body.addr)}${port ? `:${port}` : ''}`
  }
  if (key === 'redirect' && isObj(body) && text(body.port) !== undefined) return `redirect to :${text(body.port)}`
  return key ?? '?'
}

/** Converts one nft JSON rule into conditions and an action; what it cannot read becomes unknown. */
function convertNftRule(raw: Obj, sets: Sets): Rule {
  const conditions: Condition[] = []
  const words: string[] = []
  let action: Action | null = null
  const exprs = Array.isArray(raw.expr) ? raw.expr : []
  for (const expr of exprs) {
    const key = onlyKey(expr)
    const body = key ? (expr as Obj)[key] : undefined
    if (key === 'match' && isObj(body)) {
      const converted = convertMatch(body, sets)
      append(conditions, converted.conditions)
      words.push(converted.text)
      continue
    }
    words.push(statementWord(key, body))
    const taken = statementAction(key, body, sets, conditions)
    if (taken === 'go-on') continue
    action = taken
    break
  }
  const comment = typeof raw.comment === 'string' ? ` comment "${raw.comment.slice(0, 256)}"` : ''
  const handle = text(raw.handle) ?? '?'
  return {id: handle, text: `${words.join(' ')}${comment} # handle ${handle}`, conditions, action}
}

function addChain(parsed: Parsed, body: Obj, name: string): void {
  const chain: Chain = {name, rules: []}
  if (typeof body.hook === 'string' && HOOKS.has(body.hook)) chain.hook = body.hook as Hook
  if (body.type === 'filter' || body.type === 'nat' || body.type === 'route') chain.type = body.type
  if (typeof body.prio === 'number' && Number.isFinite(body.prio)) chain.priority = body.prio
  if (body.policy === 'drop' || body.policy === 'accept') chain.policy = body.policy
  if (typeof body.dev === 'string') chain.device = body.dev
  parsed.table.chains.set(name, chain)
}

function collect(items: Json[], notes: string[]): Map<string, Parsed> {
  const tables = new Map<string, Parsed>()
  const tableOf = (body: Obj): Parsed | undefined => {
    const family = text(body.family)
    const name = text(body.table)
    return family === undefined || name === undefined ? undefined : tables.get(`${family} ${name}`)
  }
  for (const item of items.slice(0, MAX_ITEMS)) {
    const key = onlyKey(item)
    const body = key ? (item as Obj)[key] : null
    if (!key || !isObj(body)) continue
    const name = text(body.name)
    if (key === 'table' && typeof body.family === 'string' && FAMILIES.has(body.family) && name !== undefined) {
      const table: Table = {family: body.family as Table['family'], name, source: 'nftables', chains: new Map()}
      tables.set(`${body.family} ${name}`, {table, sets: {elements: new Map(), converted: new Map()}, rules: []})
    } else if (key === 'chain' && name !== undefined) {
      const parsed = tableOf(body)
      if (parsed) addChain(parsed, body, name)
    } else if ((key === 'set' || key === 'map') && name !== undefined) {
      tableOf(body)?.sets.elements.set(name, Array.isArray(body.elem) ? body.elem : [])
    } else if (key === 'rule') tableOf(body)?.rules.push(body)
  }
  if (items.length > MAX_ITEMS) notes.push(`Only the first ${MAX_ITEMS} nft objects were read.`)
  return tables
}

/** Parses `nft -j list ruleset` output. Throws INPUT_MALFORMED when it is not nft JSON. */
export function parseNftJson(source: string): Ruleset {
  let doc: Json
  try {
    doc = JSON.parse(source)
  } catch (error) {
    throw coreError('INPUT_MALFORMED', `nft JSON output is not JSON: ${(error as Error).message}`)
  }
  return readNftDocument(doc)
}

/** Reads an nft JSON document already parsed (`{nftables: [...]}`). Throws INPUT_MALFORMED when it is not one. */
export function readNftDocument(doc: Json): Ruleset {
  if (!isObj(doc) || !Array.isArray(doc.nftables)) {
    throw coreError('INPUT_MALFORMED', 'nft JSON output has no "nftables" array.')
  }
  const notes: string[] = []
  const tables = collect(doc.nftables, notes)
  for (const {table, sets, rules} of tables.values()) {
    for (const raw of rules) {
      const name = text(raw.chain)
      const chain = name === undefined ? undefined : table.chains.get(name)
      if (!chain) {
        notes.push(`${table.family} ${table.name}: a rule names chain ${name ?? '?'}, which is not declared; skipped`)
        continue
      }
      const rule = convertNftRule(raw, sets)
      chain.rules.push(rule)
      if (rule.conditions.some((c) => c.field === 'unknown') || rule.action?.kind === 'unknown')
        notes.push(`${table.family} ${table.name} ${chain.name}: cannot fully interpret "${rule.text}"`)
    }
    for (const chain of table.chains.values()) noteMissingTargets(table, chain, notes)
  }
  return {tables: [...tables.values()].map((p) => p.table), notes}
}
