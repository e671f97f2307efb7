import {OP} from './pickle-opcodes.js'

/**
 * The abstract values the static walker keeps on its stack: just enough to resolve STACK_GLOBAL
 * names and joblib array sizes. Nothing is ever constructed or called.
 */
export type PValue =
  | {t: 'any'}
  | {t: 'str'; s: string}
  | {t: 'int'; n: number}
  | {t: 'bool'; b: boolean}
  | {t: 'seq'; items: PValue[]}
  | {t: 'dict'; items: PValue[]}
  | {t: 'global'; ref: string}
  | {t: 'obj'; cls: string | null; args: PValue; state?: PValue}

export const ANY: PValue = {t: 'any'}

/** Describes an unresolvable STACK_GLOBAL operand pair for the finding's globals list. */
export function toGlobalRef(module: PValue, name: PValue): string {
  const part = (v: PValue) => (v.t === 'str' ? v.s : `<${v.t}>`)
  return `${part(module)}.${part(name)}`
}

/** Parses a protocol 0 integer line (GET/PUT indices); null when it is not an integer. */
export function parseLineInt(text: Buffer): number | null {
  const s = text.toString('latin1').trim()
  return /^-?\d{1,15}L?$/.test(s) ? Number.parseInt(s, 10) : null
}

/** Decodes a protocol 0 STRING ('quoted repr') or UNICODE (raw-unicode-escape) line, approximately. */
export function decodeString(op: number, text: Buffer): PValue {
  const raw = text.toString(op === OP.UNICODE ? 'utf8' : 'latin1')
  if (op === OP.STRING) {
    const quoted = /^(['"])(.*)\1$/s.exec(raw)
    return quoted ? {t: 'str', s: quoted[2]} : ANY
  }
  return {t: 'str', s: raw}
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
