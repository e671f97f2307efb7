import type {ByteSource} from './source.js'

/**
 * The abstract values the static walker keeps on its stack: just enough to resolve STACK_GLOBAL
 * names, tell calls from imports, size joblib arrays and find nested pickles. Nothing is ever
 * constructed or called.
 */
export type PValue =
  | {t: 'any'}
  | {t: 'str'; s: string}
  | {t: 'int'; n: number | bigint}
  | {t: 'bool'; b: boolean}
  | {t: 'bytes'; data: ByteSource | null; length: number}
  | {t: 'seq'; items: PValue[]}
  | {t: 'dict'; items: PValue[]}
  | {t: 'global'; ref: string}
  | {t: 'obj'; cls: string | null; args: PValue; state?: PValue}

export const ANY: PValue = {t: 'any'}

/** Describes an unresolvable STACK_GLOBAL operand pair for the finding's globals list. */
export function toGlobalRef(module: PValue, name: PValue): string {
  const part = (v: PValue) => (v.t === 'str' ? v.s : v.t === 'obj' ? `<result of ${v.cls ?? 'a call'}>` : `<${v.t}>`)
  return `${part(module)}.${part(name)}`
}

/** Parses a protocol 0 integer line (GET/PUT indices); null when it is not an integer. */
export function parseLineInt(text: Buffer): number | null {
  const s = text.toString('latin1').trim()
  return /^-?\d{1,15}L?$/.test(s) ? Number.parseInt(s, 10) : null
}

/** Looks up a string key in an abstract dict. */
export function dictGet(dict: PValue | undefined, key: string): PValue | undefined {
  if (!dict || dict.t !== 'dict') return undefined
  for (let i = 0; i + 1 < dict.items.length; i += 2) {
    const k = dict.items[i]
    if (k.t === 'str' && k.s === key) return dict.items[i + 1]
  }
  return undefined
}
