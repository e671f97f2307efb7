/**
 * `JSON.stringify(value, null, 2)` of a nested value placed at `indent`. An even indent of spaces
 * is made by the native printer itself: the value wrapped in as many one-element arrays as indent
 * levels, the wrapping cut off again (a slice, not a copy). JSON text has no raw newlines inside
 * strings, so any other indent is made by indenting every line break.
 */
export function stringifyAt(value: unknown, indent: string): string {
  if (indent === '') return JSON.stringify(value, null, 2)
  if (indent.length % 2 !== 0 || !/^ *$/.test(indent))
    return JSON.stringify(value, null, 2).replaceAll('\n', `\n${indent}`)
  const levels = indent.length / 2
  let wrapped: unknown = value
  for (let i = 0; i < levels; i++) wrapped = [wrapped]
  const text = JSON.stringify(wrapped, null, 2)
  // Each level opens with `<2j spaces>[\n` and closes with `\n<2j spaces>]`: 2j + 2 characters.
  const frame = levels * (levels + 1)
  return text.slice(frame + indent.length, text.length - frame)
}

/** Values JSON.stringify leaves out of objects (and writes as null in arrays). */
function isSkipped(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol'
}

/** Containers walked piece by piece: arrays and plain objects without toJSON; anything else is a leaf. */
function isWalked(value: unknown): value is Record<string, unknown> | unknown[] {
  if (Array.isArray(value)) return true
  if (typeof value !== 'object' || value === null) return false
  if (typeof (value as {toJSON?: unknown}).toJSON === 'function') return false
  return Object.prototype.toString.call(value) === '[object Object]'
}

/**
 * `JSON.stringify(value, null, 2)` in pieces, byte for byte: arrays and objects down to `depth`
 * levels are written member by member, deeper values whole. A fleet report printed this way is
 * never one string in memory.
 */
export function* jsonChunks(value: unknown, depth: number, indent = ''): Generator<string> {
  if (depth <= 0 || !isWalked(value)) {
    yield stringifyAt(value, indent)
    return
  }
  const inner = `${indent}  `
  if (Array.isArray(value)) {
    if (value.length === 0) return yield '[]'
    for (let i = 0; i < value.length; i++) {
      yield i === 0 ? `[\n${inner}` : `,\n${inner}`
      const item: unknown = value[i]
      yield* jsonChunks(isSkipped(item) ? null : item, depth - 1, inner)
    }
    return yield `\n${indent}]`
  }
  let first = true
  for (const key of Object.keys(value)) {
    const member = value[key]
    if (isSkipped(member)) continue
    yield `${first ? `{\n${inner}` : `,\n${inner}`}${JSON.stringify(key)}: `
    first = false
    yield* jsonChunks(member, depth - 1, inner)
  }
  yield first ? '{}' : `\n${indent}}`
}
