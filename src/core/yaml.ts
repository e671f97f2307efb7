import {readFile} from 'node:fs/promises'
import {createRequire} from 'node:module'

import type {Ajv as AjvType, ErrorObject, ValidateFunction} from 'ajv'
import type * as YamlLib from 'yaml'
import type {CST, Document, LineCounter, Node, Pair, YAMLMap} from 'yaml'
import {coreError, fsError} from './errors.js'
import {loadPlainYaml} from './yaml-fast.js'

/*
 * The yaml and ajv packages (both CommonJS, ~130 modules together) are required on first use, not
 * at import: every command imports this module, and an audit whose rulesets come from the build's
 * cache with no config or waivers file never parses YAML.
 */
const requireLazily = createRequire(import.meta.url)
let yamlLib: typeof YamlLib | undefined
let ajv: AjvType | undefined

function yaml(): typeof YamlLib {
  yamlLib ??= requireLazily('yaml') as typeof YamlLib
  return yamlLib
}

/**
 * Limits of every YAML file llmsec reads (config, rulesets, waivers; documented in docs/config.md
 * and docs/rulesets.md). Nesting and collection sizes are checked on the parser's flat syntax
 * tree, before the composer recurses into it or builds any collection.
 */
export const YAML_LIMITS = {
  /** Largest file, in bytes. */
  bytes: 4 * 1024 * 1024,
  /** Deepest nesting of mappings and sequences (block or flow). */
  depth: 64,
  /** Most entries in one mapping or sequence. */
  entries: 250_000,
} as const

export interface YamlLocation {
  file: string
  line: number
  column: number
}

export interface LoadedYaml<T> {
  data: T
  doc: Document
  lineCounter: LineCounter
  file: string
}

const compiled = new WeakMap<object, ValidateFunction>()

function validatorFor(schema: object): ValidateFunction {
  let validate = compiled.get(schema)
  if (!validate) {
    ajv ??= new (requireLazily('ajv') as typeof import('ajv')).Ajv({
      allErrors: false,
      strict: false,
      useDefaults: false,
    })
    validate = ajv.compile(schema)
    compiled.set(schema, validate)
  }
  return validate
}

/** Each mapping's pairs by key text, built on the first lookup: locating every key of a large map stays linear. */
const pairIndex = new WeakMap<YAMLMap, Map<string, Pair>>()

function pairNamed(map: YAMLMap, name: string): Pair | undefined {
  let index = pairIndex.get(map)
  if (!index) {
    index = new Map()
    for (const item of map.items as Pair[]) {
      const text = String((item.key as {value?: unknown})?.value ?? item.key)
      if (!index.has(text)) index.set(text, item)
    }
    pairIndex.set(map, index)
  }
  return index.get(name)
}

/** Turns a JSON pointer like /rules/3/check into the YAML node at that path. */
function nodeAt(doc: Document, pointer: string, atKey = false): Node | undefined {
  const parts = pointer
    .split('/')
    .slice(1)
    .map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'))
  let node: unknown = doc.contents
  let last: Node | undefined = doc.contents ?? undefined
  for (const [index, part] of parts.entries()) {
    if (yaml().isMap(node)) {
      const pair = pairNamed(node, part)
      if (!pair) break
      last = (pair.key as Node) ?? last
      if (atKey && index === parts.length - 1) break
      node = pair.value
      if (node && typeof node === 'object' && 'range' in node) last = node as Node
    } else if (yaml().isSeq(node)) {
      node = node.items[Number(part)]
      if (node && typeof node === 'object' && 'range' in node) last = node as Node
    } else break
  }
  return last
}

/** The file:line:column of a JSON pointer inside a loaded YAML document. */
export function locate(
  loaded: Pick<LoadedYaml<unknown>, 'doc' | 'lineCounter' | 'file'>,
  pointer: string,
  atKey = false,
): YamlLocation {
  const node = nodeAt(loaded.doc, pointer, atKey)
  const offset = node?.range?.[0] ?? 0
  const {line, col} = loaded.lineCounter.linePos(offset)
  return {file: loaded.file, line, column: col}
}

/**
 * The same location, found only when its line or column is first read: locating needs the full
 * parse, which the fast path skips, and most locations (every rule's) are read only in an error.
 */
export function locateLazily(loaded: LoadedYaml<unknown>, pointer: string): YamlLocation {
  let at: YamlLocation | undefined
  const found = (): YamlLocation => (at ??= locate(loaded, pointer))
  return {
    file: loaded.file,
    get line() {
      return found().line
    },
    get column() {
      return found().column
    },
  }
}

export function formatLocation(at: YamlLocation): string {
  return `${at.file}:${at.line}:${at.column}`
}

function keyName(pointer: string, error: ErrorObject): string {
  const extra = error.params as {additionalProperty?: string; missingProperty?: string}
  const key = extra.additionalProperty ?? extra.missingProperty
  const path = pointer.split('/').slice(1).join('.')
  if (key) return path ? `${path}.${key}` : key
  return path || '(document)'
}

function describeSchemaError(error: ErrorObject): string {
  const p = error.params as Record<string, unknown>
  switch (error.keyword) {
    case 'additionalProperties':
      return `unknown key`
    case 'required':
      return `missing required key`
    case 'enum':
      return `must be one of ${(p.allowedValues as unknown[]).map(String).join(', ')}`
    case 'type':
      return `must be ${String(p.type)}`
    default:
      return error.message ?? 'is invalid'
  }
}

type CstItem = {key?: CST.Token | null; value?: CST.Token}

function cstChildren(token: CST.Token): CST.Token[] | null {
  if (token.type === 'document') return token.value ? [token.value] : []
  if (token.type !== 'block-map' && token.type !== 'block-seq' && token.type !== 'flow-collection') return null
  const children: CST.Token[] = []
  for (const item of token.items as CstItem[]) {
    if (item.key) children.push(item.key)
    if (item.value) children.push(item.value)
  }
  return children
}

/** Refuses syntax trees nested too deeply or with too many entries, walking them without recursion. */
function checkShape(tokens: CST.Token[], lineCounter: LineCounter, file: string): void {
  const fail = (token: CST.Token, why: string): never => {
    const {line, col} = lineCounter.linePos(token.offset)
    throw coreError('INPUT_MALFORMED', `${file}:${line}:${col}: ${why}`)
  }
  const stack: [CST.Token, number][] = tokens.map((token) => [token, 0])
  while (stack.length > 0) {
    const [token, depth] = stack.pop()!
    const children = cstChildren(token)
    if (!children) continue
    const level = token.type === 'document' ? depth : depth + 1
    if (level > YAML_LIMITS.depth) fail(token, `YAML nested deeper than ${YAML_LIMITS.depth} levels`)
    const entries = 'items' in token ? token.items.length : 0
    if (entries > YAML_LIMITS.entries) fail(token, `YAML collection has more than ${YAML_LIMITS.entries} entries`)
    for (const child of children) stack.push([child, level])
  }
}

/**
 * Duplicate keys, found with one Set per mapping (the library's own check is quadratic), and
 * whether the document has aliases (only aliases can nest the data deeper than the syntax tree).
 */
function scanDocument(doc: Document): {duplicate: Node | null; aliases: boolean} {
  const stack: unknown[] = [doc.contents]
  let aliases = false
  while (stack.length > 0) {
    const node = stack.pop()
    if (yaml().isAlias(node)) aliases = true
    if (yaml().isSeq(node)) for (const item of node.items) stack.push(item)
    if (!yaml().isMap(node)) continue
    const seen = new Set<string>()
    for (const pair of node.items) {
      const key = pair.key
      if (yaml().isScalar(key)) {
        const name = String(key.value)
        if (seen.has(name)) return {duplicate: key, aliases}
        seen.add(name)
      }
      stack.push(key, pair.value)
    }
  }
  return {duplicate: null, aliases}
}

/** The deepest nesting of plain data, shared (aliased) values measured once. */
function dataDepth(root: unknown): number {
  const depthOf = new Map<object, number>()
  const stack: [unknown, boolean][] = [[root, false]]
  while (stack.length > 0) {
    const [value, done] = stack.pop()!
    if (value === null || typeof value !== 'object' || (depthOf.has(value) && !done)) continue
    const children = Object.values(value as object)
    if (done) {
      let deepest = 0
      for (const child of children) deepest = Math.max(deepest, depthOf.get(child as object) ?? 0)
      depthOf.set(value, deepest + 1)
      continue
    }
    depthOf.set(value, 0)
    stack.push([value, true])
    for (const child of children) stack.push([child, false])
  }
  return typeof root === 'object' && root !== null ? (depthOf.get(root) ?? 0) : 0
}

function composeDocument(text: string, file: string, lineCounter: LineCounter): Document {
  const tokens = [...new (yaml().Parser)(lineCounter.addNewLine).parse(text)]
  checkShape(tokens, lineCounter, file)
  let doc: Document | null = null
  for (const composed of new (yaml().Composer)({uniqueKeys: false}).compose(tokens, true, text.length)) {
    if (doc) {
      const {line, col} = lineCounter.linePos(composed.range[0])
      throw coreError('INPUT_MALFORMED', `${file}:${line}:${col}: a YAML file holds one document; found another`)
    }
    doc = composed
  }
  return doc ?? new (yaml().Document)()
}

/**
 * Parses YAML text and validates it against a JSON Schema. Errors throw an LlmsecError
 * (exit 2) whose message names file:line:column and the offending key. Text beyond
 * YAML_LIMITS is refused the same way, before it is built.
 */
export function parseYaml<T>(text: string, file: string, schema?: object): LoadedYaml<T> {
  if (text.length > YAML_LIMITS.bytes) {
    throw coreError('INPUT_MALFORMED', `${file} is larger than ${YAML_LIMITS.bytes} bytes; refusing to parse it.`)
  }
  const fast = loadPlainYaml(text, YAML_LIMITS)
  if (fast) return lazilyLocated<T>(fast.data as T, text, file, schema)
  return parseFully<T>(text, file, schema)
}

/**
 * Data loaded by the fast path, with the Document and line counter (needed only to locate a
 * pointer) built by the full path on first use.
 */
function lazilyLocated<T>(data: T, text: string, file: string, schema?: object): LoadedYaml<T> {
  let full: LoadedYaml<unknown> | undefined
  const build = (): LoadedYaml<unknown> => (full ??= parseFully<unknown>(text, file))
  const loaded: LoadedYaml<T> = {
    data,
    file,
    get doc() {
      return build().doc
    },
    get lineCounter() {
      return build().lineCounter
    },
  }
  if (schema) validateAgainst(loaded, schema)
  return loaded
}

/**
 * The checked path alone, without the js-yaml shortcut: what parseYaml gives for any text the
 * shortcut does not take. Exported so tests can hold the shortcut to it.
 */
export function parseFully<T>(text: string, file: string, schema?: object): LoadedYaml<T> {
  const lineCounter = new (yaml().LineCounter)()
  const doc = composeDocument(text, file, lineCounter)
  const loaded = {doc, lineCounter, file}
  const syntax = doc.errors[0]
  if (syntax) {
    const {line, col} = lineCounter.linePos(syntax.pos[0])
    const what = syntax.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')
    throw coreError('INPUT_MALFORMED', `${file}:${line}:${col}: YAML syntax error: ${what}`)
  }
  const {duplicate, aliases} = scanDocument(doc)
  if (duplicate) {
    const {line, col} = lineCounter.linePos(duplicate.range?.[0] ?? 0)
    const name = String((duplicate as {value?: unknown}).value).slice(0, 80)
    throw coreError('INPUT_MALFORMED', `${file}:${line}:${col}: duplicate key ${JSON.stringify(name)}`)
  }
  let data: T
  try {
    data = doc.toJS({maxAliasCount: 100}) as T
  } catch (error) {
    // Unresolved aliases and alias bombs surface here rather than in doc.errors.
    const why = error instanceof Error ? error.message.split('\n')[0] : String(error)
    throw coreError('INPUT_MALFORMED', `${file}: YAML error: ${why}`)
  }
  if (aliases && dataDepth(data) > YAML_LIMITS.depth) {
    throw coreError('INPUT_MALFORMED', `${file}: YAML nested deeper than ${YAML_LIMITS.depth} levels through aliases`)
  }
  if (schema) validateAgainst({data, ...loaded}, schema)
  return {data, ...loaded}
}

/** Throws the first schema error at its file:line:column. */
function validateAgainst(loaded: LoadedYaml<unknown>, schema: object): void {
  const validate = validatorFor(schema)
  if (validate(loaded.data)) return
  const error = (validate.errors ?? [])[0]
  if (!error) throw coreError('INPUT_MALFORMED', `${loaded.file}: does not match its schema`)
  const extra = (error.params as {additionalProperty?: string}).additionalProperty
  const pointer = extra ? `${error.instancePath}/${extra}` : error.instancePath
  const where = formatLocation(locate(loaded, pointer, Boolean(extra)))
  throw coreError('INPUT_MALFORMED', `${where}: ${keyName(error.instancePath, error)}: ${describeSchemaError(error)}`)
}

/** Reads and validates a YAML file (bounded size). */
export async function loadYamlFile<T>(file: string, schema?: object): Promise<LoadedYaml<T>> {
  let text: string
  try {
    const buffer = await readFile(file)
    if (buffer.length > YAML_LIMITS.bytes) {
      throw coreError('INPUT_MALFORMED', `${file} is larger than ${YAML_LIMITS.bytes} bytes; refusing to parse it.`)
    }
    text = buffer.toString('utf8')
  } catch (error) {
    throw fsError(error, file)
  }
  return parseYaml<T>(text, file, schema)
}
