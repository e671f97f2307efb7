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

/** Byte classes of compact JSON outside strings: 0 is copied as it is. */
const QUOTE = 1
const OPEN = 2
const CLOSE = 3
const COMMA = 4
const COLON = 5
const CLASS = new Uint8Array(256)
CLASS[0x22] = QUOTE
CLASS[0x7b] = CLASS[0x5b] = OPEN
CLASS[0x7d] = CLASS[0x5d] = CLOSE
CLASS[0x2c] = COMMA
CLASS[0x3a] = COLON

/**
 * `stringifyAt(JSON.parse(text), indent)` for compact JSON that JSON.stringify wrote (no
 * whitespace outside strings), made from its bytes without parsing them: strings, numbers and
 * literals are copied as they are, and only line breaks and indents are added. One pass, linear
 * in its input and output; a fleet's results are stored compact (read-hosts.ts) and printed this
 * way at several times the speed of parsing and stringifying them again.
 */
export function reindentJson(compact: Uint8Array, indent: string): Buffer {
  const prefix = Buffer.from(indent)
  // Never from Buffer's shared pool: the bytes may be transferred to another thread.
  const out = Buffer.allocUnsafeSlow(reindentedLength(compact, prefix.length))
  const n = compact.length
  let length = 0
  let depth = 0
  // Byte loops, not Buffer.copy: most runs are a few bytes, and a native call costs more.
  for (let at = 0; at < n; at++) {
    const byte = compact[at]
    const kind = CLASS[byte]
    if (kind === 0) {
      out[length++] = byte
      continue
    }
    if (kind === QUOTE) {
      // To the closing quote, stepping over each escaped character.
      out[length++] = byte
      for (at++; at < n && compact[at] !== 0x22; at++) {
        if (compact[at] === 0x5c) out[length++] = compact[at++]
        out[length++] = compact[at]
      }
      if (at < n) out[length++] = 0x22
      continue
    }
    if (kind === OPEN && CLASS[compact[at + 1]] === CLOSE) {
      out[length++] = byte
      out[length++] = compact[++at]
      continue
    }
    if (kind === COLON) {
      out[length++] = byte
      out[length++] = 0x20
      continue
    }
    if (kind !== CLOSE) out[length++] = byte
    depth += kind === OPEN ? 1 : kind === CLOSE ? -1 : 0
    out[length++] = 0x0a
    for (let i = 0; i < prefix.length; i++) out[length++] = prefix[i]
    for (let i = depth * 2; i > 0; i--) out[length++] = 0x20
    if (kind === CLOSE) out[length++] = byte
  }
  return out.subarray(0, length)
}

/** The length reindentJson gives (a first pass, so that the output is allocated once). */
function reindentedLength(compact: Uint8Array, base: number): number {
  const n = compact.length
  let length = n
  let depth = 0
  for (let at = 0; at < n; at++) {
    const kind = CLASS[compact[at]]
    if (kind === 0) continue
    if (kind === QUOTE) {
      for (at++; at < n && compact[at] !== 0x22; at++) if (compact[at] === 0x5c) at++
      continue
    }
    if (kind === OPEN && CLASS[compact[at + 1]] === CLOSE) at++
    else if (kind === COLON) length++
    else {
      depth += kind === OPEN ? 1 : kind === CLOSE ? -1 : 0
      length += 1 + base + Math.max(0, depth) * 2
    }
  }
  return length
}
