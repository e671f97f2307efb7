import {describeError} from '../core/errors.js'
import {runTool, type ExecResult} from '../core/exec.js'
import {detectIptablesDialect, incompatibleTables, parseIptablesSave} from './iptables-save.js'
import {isObj, type Json, type Obj} from './json-values.js'
import {parseNftJson, readNftDocument} from './nft-json.js'
import type {Ruleset, Table, TableSource} from './ruleset.types.js'
import {append} from '../core/arrays.js'

/** Which firewall implementation holds the rules. */
export type Backend = 'nftables' | 'iptables-nft' | 'iptables-legacy' | 'none' | 'unknown'

/** One tool llmsec ran to read the firewall, and how that went. */
export interface SourceStatus {
  command: string
  status: ExecResult['status'] | 'unparsable'
  reason?: string
}

export interface FirewallReading {
  ruleset: Ruleset
  /** The main back end; `unknown` when nothing could be read. */
  backend: Backend
  /** Every back end with rules loaded (nft and legacy iptables tables can coexist). */
  backends: Backend[]
  /** Front ends managing the rules: ufw, firewalld. */
  frontends: string[]
  sources: SourceStatus[]
  /** False when no tool could read the ruleset: every verdict is then unknown. */
  readable: boolean
}

/** Runs one program (with `input` on stdin when given); the seam tests use to feed recorded output. */
export type ToolRunner = (command: string, args: string[], input?: string) => Promise<ExecResult>

/** Runs firewall and routing tools (nft, iptables-save, ip) with a timeout. */
export const defaultRunner: ToolRunner = (command, args, input) =>
  runTool(command, args, {timeoutMs: 15_000, input, maxBuffer: 512 * 1024 * 1024})
const IPTABLES_TABLES = new Set(['filter', 'nat', 'mangle', 'raw', 'security'])

/** Tables iptables-nft created: ip/ip6 tables with iptables' names whose chains are uppercase. */
function isIptablesNftTable(table: Table): boolean {
  if ((table.family !== 'ip' && table.family !== 'ip6') || !IPTABLES_TABLES.has(table.name)) return false
  return [...table.chains.values()].every((c) => !c.hook || c.name === c.name.toUpperCase())
}

function hasContent(table: Table): boolean {
  return [...table.chains.values()].some((c) => c.rules.length > 0 || c.policy === 'drop')
}

function explain(result: ExecResult): string {
  if (/permission|not permitted/i.test(result.stderr) || /permission|not permitted/i.test(result.reason ?? '')) {
    return `${result.command} needs root (CAP_NET_ADMIN): ${result.reason ?? 'permission denied'}`
  }
  return result.reason ?? `${result.command} failed`
}

interface Context {
  run: ToolRunner
  sources: SourceStatus[]
  notes: string[]
  /** Tools started (ahead, side by side, or by a call), by command line: each runs once per reading. */
  started: Map<string, Promise<ExecResult>>
  /** Command lines already recorded in sources. */
  recorded: Set<string>
}

const lineOf = (command: string, args: string[]) => `${command} ${args.join(' ')}`.trim()

/** Starts a tool now, unless it ran already; its result is taken (and recorded in sources, in call order) by `call`. */
function start(ctx: Context, command: string, args: string[] = []): void {
  const line = lineOf(command, args)
  if (!ctx.started.has(line)) ctx.started.set(line, ctx.run(command, args))
}

/** The result of a tool, run now unless started before: a reading asks each tool once (iptables-nft-save is needed twice on a fallback). */
function take(ctx: Context, command: string, args: string[]): Promise<ExecResult> {
  start(ctx, command, args)
  return ctx.started.get(lineOf(command, args))!
}

async function call(ctx: Context, command: string, args: string[]): Promise<ExecResult | null> {
  const result = await take(ctx, command, args)
  const line = lineOf(command, args)
  const first = !ctx.recorded.has(line)
  ctx.recorded.add(line)
  if (result.status === 'ok') {
    if (first) ctx.sources.push({command: line, status: 'ok'})
    return result
  }
  if (first) ctx.sources.push({command: line, status: result.status, reason: explain(result)})
  return null
}

interface SaveReading {
  tables: Table[]
  /** Tables iptables-nft-save left to nft (written by nft, not by iptables-nft). */
  incompatible: Set<string>
}

async function readIptables(
  ctx: Context,
  command: string,
  family: 'ip' | 'ip6',
  source?: TableSource,
): Promise<SaveReading | null> {
  const result = await call(ctx, command, [])
  if (!result) return null
  const dialect = detectIptablesDialect(result.stdout)
  const from: TableSource = source ?? (dialect === 'nft' ? 'iptables-nft' : 'iptables-legacy')
  const parsed = parseIptablesSave(result.stdout, family, from)
  const incompatible = incompatibleTables(result.stdout)
  append(ctx.notes, parsed.notes)
  return {tables: parsed.tables.filter((t) => !incompatible.has(t.name)), incompatible}
}

const saveCommand = (family: 'ip' | 'ip6') => (family === 'ip' ? 'iptables-nft-save' : 'ip6tables-nft-save')

/** nft's own tables listed one by one, at most (more: the whole ruleset is listed). */
const MAX_TABLE_LISTS = 16
/** Table names passed to `nft list table` (nft parses its arguments as a command: plain names only). */
const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/

/** The tables and chains, without rules, from `nft -j list chains` (which has no table objects). */
function parseSkeleton(stdout: string): Table[] | null {
  try {
    const doc = JSON.parse(stdout) as Json
    if (!isObj(doc) || !Array.isArray(doc.nftables)) return null
    const chains = doc.nftables.filter((item) => isObj(item) && isObj(item.chain))
    const tables = new Map<string, Json>()
    for (const item of chains) {
      const {family, table} = (item as {chain: Obj}).chain
      if (typeof family === 'string' && typeof table === 'string')
        tables.set(`${family} ${table}`, {table: {family, name: table}})
    }
    // The parsed objects are read as they are (no second JSON round trip: 16,000 kube-proxy chains are 1.5 MB).
    return readNftDocument({nftables: append([...tables.values()], chains)}).tables
  } catch {
    return null
  }
}

/** One nft table as `nft -j list table` prints it, or null. */
async function readNftTable(ctx: Context, family: string, name: string): Promise<Table | null> {
  const result = await call(ctx, 'nft', ['-j', 'list', 'table', family, name])
  if (!result) return null
  try {
    const parsed = parseNftJson(result.stdout)
    append(ctx.notes, parsed.notes)
    return parsed.tables.find((t) => t.family === family && t.name === name) ?? null
  } catch {
    return null
  }
}

/**
 * With iptables-nft tables present (Docker, kube-proxy), nft's JSON of them is the slowest part of a
 * reading (kube-proxy's 24,000 rules as opaque xt objects) and is replaced by iptables-nft-save's
 * anyway: list the chains, read those tables with iptables-nft-save and nft's own tables one by one,
 * side by side. Null when that is not possible; the whole ruleset is then read as before.
 */
async function readNftSplit(ctx: Context): Promise<Table[] | null> {
  const listed = await take(ctx, 'nft', ['-j', 'list', 'chains'])
  const skeleton = listed.status === 'ok' ? parseSkeleton(listed.stdout) : null
  if (!skeleton) return null
  const compat = skeleton.filter(isIptablesNftTable)
  const native = skeleton.filter((t) => !isIptablesNftTable(t))
  const listable = () => native.length <= MAX_TABLE_LISTS && native.every((t) => PLAIN_NAME.test(t.name))
  if (compat.length === 0 || !listable()) return null
  const saves = new Map<string, 'ip' | 'ip6'>()
  for (const t of compat) saves.set(saveCommand(t.family as 'ip'), t.family as 'ip')
  for (const command of saves.keys()) start(ctx, command)
  for (const t of native) start(ctx, 'nft', ['-j', 'list', 'table', t.family, t.name])
  const read = new Map<string, Table>()
  for (const [command, family] of saves) {
    const save = await readIptables(ctx, command, family, 'iptables-nft')
    for (const t of save?.tables ?? []) read.set(`${t.family} ${t.name}`, t)
    // nft wrote these tables under iptables' names (a native translation of kube-proxy's, say): listed with nft.
    for (const t of compat.filter((c) => c.family === family && save?.incompatible.has(c.name))) native.push(t)
  }
  if (!listable()) return null
  for (const t of native) start(ctx, 'nft', ['-j', 'list', 'table', t.family, t.name])
  for (const t of native) {
    const table = await readNftTable(ctx, t.family, t.name)
    if (table) read.set(`${t.family} ${t.name}`, table)
  }
  const tables = skeleton.map((t) => read.get(`${t.family} ${t.name}`))
  if (tables.some((t) => t === undefined)) return null
  ctx.sources.unshift({command: 'nft -j list chains', status: 'ok'})
  return tables as Table[]
}

async function readNft(ctx: Context): Promise<Table[] | null | 'missing'> {
  const split = await readNftSplit(ctx)
  if (split) return split
  const result = await take(ctx, 'nft', ['-j', 'list', 'ruleset'])
  if (result.status === 'missing') {
    ctx.sources.push({command: 'nft -j list ruleset', status: 'missing', reason: result.reason})
    return 'missing'
  }
  if (result.status !== 'ok') {
    ctx.sources.push({command: 'nft -j list ruleset', status: result.status, reason: explain(result)})
    return null
  }
  try {
    const parsed = parseNftJson(result.stdout.trim() === '' ? '{"nftables": []}' : result.stdout)
    ctx.sources.push({command: 'nft -j list ruleset', status: 'ok'})
    append(ctx.notes, parsed.notes)
    return parsed.tables
  } catch (error) {
    ctx.sources.push({command: 'nft -j list ruleset', status: 'unparsable', reason: describeError(error)})
    return null
  }
}

function dropNotesOn(ctx: Context, table: string): void {
  const kept = ctx.notes.filter((note) => !note.startsWith(`${table} `) && !note.startsWith(`${table}:`))
  ctx.notes.length = 0
  append(ctx.notes, kept)
}

/** iptables-nft tables read through nft carry opaque xt expressions: re-read them with iptables-nft-save. */
async function replaceCompatTables(ctx: Context, tables: Table[]): Promise<Table[]> {
  const out: Table[] = []
  const byFamily = new Map<'ip' | 'ip6', SaveReading | null>()
  for (const table of tables) {
    if (table.source !== 'nftables' || !isIptablesNftTable(table)) {
      out.push(table)
      continue
    }
    const family = table.family as 'ip' | 'ip6'
    if (!byFamily.has(family))
      byFamily.set(family, await readIptables(ctx, saveCommand(family), family, 'iptables-nft'))
    const save = byFamily.get(family)
    // A table iptables-nft-save calls incompatible was written by nft: the nft reading is the reading.
    if (save?.incompatible.has(table.name)) {
      out.push(table)
      continue
    }
    const replacement = save?.tables.find((t) => t.name === table.name)
    // The nft reading's notes on a replaced table are about its opaque xt expressions: drop them.
    if (replacement) dropNotesOn(ctx, `${table.family} ${table.name}`)
    out.push(replacement ?? {...table, source: 'iptables-nft'})
  }
  return out
}

function summarise(tables: Table[]): {backend: Backend; backends: Backend[]} {
  const active = tables.filter(hasContent)
  const backends: Backend[] = []
  if (active.some((t) => t.source === 'nftables')) backends.push('nftables')
  if (active.some((t) => t.source === 'iptables-nft')) backends.push('iptables-nft')
  if (active.some((t) => t.source === 'iptables-legacy')) backends.push('iptables-legacy')
  return {backend: backends[0] ?? 'none', backends}
}

async function detectFrontends(ctx: Context, tables: Table[]): Promise<string[]> {
  const frontends: string[] = []
  const chainNames = tables.flatMap((t) => [...t.chains.keys()])
  const ufw = await take(ctx, 'ufw', ['status'])
  if (/Status: active/.test(ufw.stdout) || chainNames.some((n) => n.startsWith('ufw-'))) frontends.push('ufw')
  const firewalld = await take(ctx, 'firewall-cmd', ['--state'])
  if (firewalld.stdout.trim() === 'running' || tables.some((t) => t.name === 'firewalld')) frontends.push('firewalld')
  return frontends
}

/**
 * Reads the active firewall: nft JSON when nft is installed (iptables-nft tables re-read with
 * iptables-nft-save), legacy iptables tables beside it, iptables-save when nft is absent.
 */
export async function readFirewall(run: ToolRunner = defaultRunner): Promise<FirewallReading> {
  const ctx: Context = {run, sources: [], notes: [], started: new Map(), recorded: new Set()}
  // Side by side: the tools a reading almost always needs (iptables-nft-save says which of the ip tables
  // named like iptables' are iptables-nft's: Docker's and kube-proxy's are, a native nft translation is not).
  start(ctx, 'nft', ['-j', 'list', 'chains'])
  start(ctx, 'iptables-nft-save')
  for (const command of ['iptables-legacy-save', 'ip6tables-legacy-save']) start(ctx, command)
  start(ctx, 'ufw', ['status'])
  start(ctx, 'firewall-cmd', ['--state'])
  let tables: Table[] = []
  let readable = false
  const nft = await readNft(ctx)
  if (Array.isArray(nft)) {
    tables = await replaceCompatTables(ctx, nft)
    readable = true
  } else if (nft === 'missing') {
    for (const [command, family] of [
      ['iptables-save', 'ip'],
      ['ip6tables-save', 'ip6'],
    ] as const) {
      const read = await readIptables(ctx, command, family)
      if (read) [tables, readable] = [[...tables, ...read.tables], true]
      for (const name of read?.incompatible ?? [])
        ctx.notes.push(
          `${family} ${name}: ${command} cannot print this table (nft wrote it) and nft is not installed: its rules are not read`,
        )
    }
  }
  if (!tables.some((t) => t.source === 'iptables-legacy')) {
    for (const [command, family] of [
      ['iptables-legacy-save', 'ip'],
      ['ip6tables-legacy-save', 'ip6'],
    ] as const) {
      const read = await readIptables(ctx, command, family, 'iptables-legacy')
      if (read) append(tables, read.tables.filter(hasContent))
    }
  }
  const {backend, backends} = summarise(tables)
  const frontends = await detectFrontends(ctx, tables)
  return {
    ruleset: {tables, notes: ctx.notes},
    backend: readable ? backend : 'unknown',
    backends,
    frontends,
    sources: ctx.sources,
    readable,
  }
}
