/**
 * Safe reads of untrusted JSON values. Every key of a parsed document is an ordinary name
 * (`__proto__`, `constructor`, `toString` included): values are never coerced with String(),
 * which would call an attacker's `toString`, and descriptions are bounded in depth and length.
 */

export type Json = unknown
export type Obj = Record<string, Json>

export const isObj = (v: Json): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

/** The single key of `{key: body}` objects (how nft JSON spells statements), else null. */
export function onlyKey(v: Json): string | null {
  if (!isObj(v)) return null
  const keys = Object.keys(v)
  return keys.length === 1 ? keys[0] : null
}

/** A string or finite number as text; anything else (objects, arrays, null) is undefined. */
export function text(v: Json): string | undefined {
  if (typeof v === 'string') return v
  if (typeof v === 'number' && Number.isFinite(v)) return String(v)
  return undefined
}

/** An own property of a lookup table, never one inherited from Object.prototype. */
export function own<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined
}

const PREVIEW_DEPTH = 4
const PREVIEW_ITEMS = 8

/** A short human description of any JSON value, bounded in depth, breadth and length. */
export function preview(v: Json, max = 80): string {
  const walk = (node: Json, depth: number): string => {
    const scalar = text(node)
    if (scalar !== undefined) return typeof node === 'string' ? JSON.stringify(scalar) : scalar
    if (node === null || typeof node === 'boolean') return String(node)
    if (depth >= PREVIEW_DEPTH) return '…'
    if (Array.isArray(node)) {
      const items = node.slice(0, PREVIEW_ITEMS).map((item) => walk(item, depth + 1))
      return `[${items.join(',')}${node.length > PREVIEW_ITEMS ? ',…' : ''}]`
    }
    if (isObj(node)) {
      const keys = Object.keys(node)
      const items = keys.slice(0, PREVIEW_ITEMS).map((key) => `${JSON.stringify(key)}:${walk(node[key], depth + 1)}`)
      return `{${items.join(',')}${keys.length > PREVIEW_ITEMS ? ',…' : ''}}`
    }
    return '?'
  }
  const described = walk(v, 0)
  return described.length > max ? `${described.slice(0, max - 1)}…` : described
}
