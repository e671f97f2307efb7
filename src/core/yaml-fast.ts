import {createRequire} from 'node:module'

/*
 * A fast path for plain YAML: js-yaml's loader (CORE_SCHEMA, the same YAML 1.2 core types as the
 * yaml package's default) builds the data in about a third of the time the yaml package's
 * parser and composer take. It is only a shortcut: any text it cannot take on exactly the same
 * terms returns undefined and goes through the full, checked path in yaml.ts, which gives every
 * error its file:line:column. Anchors, aliases and tags are never taken here (js-yaml shares
 * aliased values instead of bounding their expansion), nor anything js-yaml rejects.
 */

interface JsYaml {
  load(text: string, options: {schema: unknown; json: boolean; maxDepth: number}): unknown
  CORE_SCHEMA: unknown
}

const requireLazily = createRequire(import.meta.url)
let jsYaml: JsYaml | undefined

/**
 * Text that takes the full path: anchors, aliases, tags, directives, and the number forms where
 * js-yaml's core schema differs from the yaml package's (0b/0x/0o with a sign, digit underscores), signed floats without a leading digit (-.0), and empty sequence entries (a line ending in a bare `-`: js-yaml nests the
 * entries after an empty one wrongly; found by the property test in test/unit/core/yaml-fast.test.ts).
 * Also every form of complex key, which js-yaml turns into a key string the yaml package spells
 * differently (`[a, b]` is "a,b" there, "[ a, b ]" here; a mapping key is "[object Object]"): any `?`
 * (explicit keys), a flow collection closed just before a `:`, and a flow collection that starts an
 * entry of a flow collection. And a carriage return not followed by a line feed, which js-yaml takes
 * as a line break and the yaml package refuses.
 */
const NOT_PLAIN = /[&*!%?]|0[box]|\d_|\._|[-+]\.\d|(?:^|\s)-[ \t]*(?:\r?\n|$)|[\]}]\s*:|[{,[]\s*[[{]|\r(?!\n)/i

/** Longest line the fast path takes: the yaml package refuses an implicit key longer than 1024 characters, js-yaml does not. */
const LONGEST_LINE = 1024

function hasLongLine(text: string): boolean {
  let start = 0
  while (start <= text.length) {
    let end = text.indexOf('\n', start)
    if (end === -1) end = text.length
    if (end - start > LONGEST_LINE) return true
    start = end + 1
  }
  return false
}

/**
 * Keys that show js-yaml built a key the yaml package spells differently: a null key (`~:`,
 * `null:`, `{: 1}`, `{a, null}`) is "null" in js-yaml and "" in the yaml package, and a mapping used
 * as a key is "[object Object]". A quoted "null" key takes the full path too; that only costs time.
 */
const SUSPECT_KEYS = ['null', '[object Object]']

export interface FastLimits {
  depth: number
  entries: number
}

/** True when the data nests no deeper than `depth` collections and none has more than `entries` entries. */
function withinLimits(root: unknown, limits: FastLimits): boolean {
  const stack: [unknown, number][] = [[root, 0]]
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!
    if (value === null || typeof value !== 'object') continue
    const level = depth + 1
    if (level > limits.depth) return false
    const children = Array.isArray(value) ? value : Object.values(value as object)
    if (children.length > limits.entries) return false
    if (!Array.isArray(value) && SUSPECT_KEYS.some((key) => Object.hasOwn(value, key))) return false
    for (const child of children) if (child !== null && typeof child === 'object') stack.push([child, level])
  }
  return true
}

/**
 * The data of `text` when it is plain YAML that js-yaml loads within the limits, else undefined
 * (the caller then parses it the full way, which also produces the error message).
 */
export function loadPlainYaml(text: string, limits: FastLimits): {data: unknown} | undefined {
  if (NOT_PLAIN.test(text) || hasLongLine(text)) return undefined
  jsYaml ??= requireLazily('js-yaml') as JsYaml
  let data: unknown
  try {
    // maxDepth counts scalars as a level too; deeper text throws here, before js-yaml recurses further.
    data = jsYaml.load(text, {schema: jsYaml.CORE_SCHEMA, json: false, maxDepth: limits.depth + 1})
  } catch {
    return undefined
  }
  if (data instanceof Date || !withinLimits(data, limits)) return undefined
  return {data: data ?? null}
}
