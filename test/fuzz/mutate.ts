/**
 * Mutations of seed inputs for the fuzz suite: byte-level edits of text (flip, insert, delete,
 * duplicate, splice a hostile token) and structural edits of JSON (replace, delete or rename a
 * node). Every input is bounded in size, so each run stays fast.
 */
import fc from 'fast-check'
import {expect} from 'vitest'

import {LlmsecError} from '../../src/core/errors.js'

type Edit =
  | {kind: 'flip'; at: number; char: string}
  | {kind: 'insert'; at: number; text: string}
  | {kind: 'delete'; at: number; length: number}
  | {kind: 'duplicate'; at: number; length: number}

const position = fc.nat({max: 1_000_000})

/** A mutated copy of one seed: up to eight edits, tokens drawn from `hostile` as often as random text. */
export function mutatedText(seeds: string[], hostile: string[]): fc.Arbitrary<string> {
  const edit: fc.Arbitrary<Edit> = fc.oneof(
    fc.record({
      kind: fc.constant('flip' as const),
      at: position,
      char: fc.string({unit: 'binary', minLength: 1, maxLength: 1}),
    }),
    fc.record({
      kind: fc.constant('insert' as const),
      at: position,
      text: fc.oneof(fc.constantFrom(...hostile), fc.string({unit: 'binary', maxLength: 40})),
    }),
    fc.record({kind: fc.constant('delete' as const), at: position, length: fc.nat({max: 400})}),
    fc.record({kind: fc.constant('duplicate' as const), at: position, length: fc.nat({max: 400})}),
  )
  return fc
    .tuple(fc.constantFrom(...seeds), fc.array(edit, {minLength: 1, maxLength: 8}))
    .map(([seed, edits]) => edits.reduce(applyEdit, seed))
}

function applyEdit(text: string, edit: Edit): string {
  const at = text.length === 0 ? 0 : edit.at % (text.length + 1)
  switch (edit.kind) {
    case 'flip':
      return text.slice(0, at) + edit.char + text.slice(at + 1)
    case 'insert':
      return text.slice(0, at) + edit.text + text.slice(at)
    case 'delete':
      return text.slice(0, at) + text.slice(at + edit.length)
    case 'duplicate':
      return text.length > 200_000 ? text : text.slice(0, at + edit.length) + text.slice(at)
  }
}

/** Values a hostile document puts where a parser expects something else. */
const HOSTILE_JSON: unknown[] = [
  null,
  '__proto__',
  'constructor',
  {__proto__: {polluted: true}},
  JSON.parse('{"__proto__": {"chain": "x"}}'),
  Number.NaN,
  1e308,
  -1,
  '@__proto__',
  '@missing-set',
  [],
  {},
  {set: []},
  {map: {key: {payload: {protocol: 'tcp', field: 'dport'}}, data: '@__proto__'}},
  {concat: ['10.0.0.1', 99_999]},
  {range: ['10.0.0.9', '10.0.0.1']},
  {prefix: {addr: '10.0.0.0', len: 99}},
]

type Path = (string | number)[]

function paths(node: unknown, at: Path, out: Path[], budget: {left: number}): void {
  if (budget.left-- <= 0) return
  out.push(at)
  if (Array.isArray(node)) node.forEach((child, i) => paths(child, [...at, i], out, budget))
  else if (node && typeof node === 'object')
    for (const [key, child] of Object.entries(node)) paths(child, [...at, key], out, budget)
}

type JsonEdit = {pick: number; kind: 'replace' | 'delete' | 'rename'; value: unknown; name: string}

function applyJsonEdit(doc: unknown, original: JsonEdit): unknown {
  // A fresh copy of the value each time: a shared constant put in twice could end up inside itself.
  const edit = {...original, value: JSON.parse(JSON.stringify(original.value) ?? 'null') as unknown}
  const all: Path[] = []
  paths(doc, [], all, {left: 4000})
  const path = all[edit.pick % all.length]
  if (path.length === 0) return edit.kind === 'replace' ? edit.value : doc
  const parent = path.slice(0, -1).reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], doc) as
    Record<string, unknown> | unknown[]
  const key = path.at(-1)!
  if (Array.isArray(parent)) {
    if (edit.kind === 'delete') parent.splice(Number(key), 1)
    else parent[Number(key)] = edit.value
  } else if (edit.kind === 'delete') delete parent[key]
  else if (edit.kind === 'rename') {
    Object.defineProperty(parent, edit.name, {value: parent[key], enumerable: true, configurable: true, writable: true})
    delete parent[key]
  } else parent[key] = edit.value
  return doc
}

/** A structurally mutated copy of one JSON seed, serialised (so the parser sees text, as from nft). */
export function mutatedJson(seeds: string[]): fc.Arbitrary<string> {
  const edit = fc.record({
    pick: fc.nat(),
    kind: fc.constantFrom('replace' as const, 'delete' as const, 'rename' as const),
    value: fc.oneof(fc.constantFrom(...HOSTILE_JSON), fc.jsonValue({maxDepth: 3})),
    name: fc.oneof(fc.constantFrom('__proto__', 'constructor', 'toString', 'chain', 'table', 'expr'), fc.string()),
  })
  return fc
    .tuple(fc.constantFrom(...seeds), fc.array(edit, {minLength: 1, maxLength: 6}))
    .map(([seed, edits]) => JSON.stringify(edits.reduce(applyJsonEdit, JSON.parse(seed) as unknown)))
}

/** Per input: a result or an input error (exit 2), never another exception (exit 3); within 2 s. */
export function expectNoBug(run: () => unknown): void {
  const started = performance.now()
  try {
    run()
  } catch (error) {
    if (!(error instanceof LlmsecError) || error.exit === 3) throw error
  }
  expect(performance.now() - started).toBeLessThan(2000)
}

/** How many mutated inputs each parser gets. */
export const RUNS = 2000

/** A fuzz test's own bound: the whole suite must finish within two minutes on a loaded machine. */
export const FUZZ_TIMEOUT_MS = 110_000

/** The heap after thousands of hostile inputs: nothing they built may be retained. */
export function expectBoundedMemory(): void {
  expect(process.memoryUsage().heapUsed).toBeLessThan(1024 * 1024 * 1024)
}
