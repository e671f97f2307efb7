import {escapeDecode} from './pickle-strings.js'

/**
 * A Python literal as ast.literal_eval reads it (numpy.lib.format reads .npy headers with it):
 * dicts (the last duplicate key wins), tuples, lists, str and bytes in either quote, ints, True,
 * False, None. Floats and other literals are kept as 'other': no .npy header field needs them.
 */
export type PyValue =
  | {k: 'dict'; entries: Map<string, PyValue>; keys: PyValue[]}
  | {k: 'tuple' | 'list'; items: PyValue[]}
  | {k: 'str'; s: string}
  | {k: 'bytes'; b: Buffer}
  | {k: 'int'; n: bigint}
  | {k: 'bool'; b: boolean}
  | {k: 'none'}
  | {k: 'other'}

/** Thrown inside the parser and caught at its entry point; not an Error (fuzzing throws a lot). */
class LiteralError {
  constructor(readonly message: string) {}
}

const MAX_DEPTH = 100

class Parser {
  pos = 0
  constructor(readonly text: string) {}

  fail(what: string): never {
    throw new LiteralError(`${what} at character ${this.pos}`)
  }

  space(): void {
    while (this.pos < this.text.length && /[ \t\n\r\f\v\\]/.test(this.text[this.pos])) {
      // A backslash-newline joins lines; any other backslash outside a string is a syntax error.
      if (this.text[this.pos] === '\\' && this.text[this.pos + 1] !== '\n') this.fail('stray backslash')
      this.pos++
    }
  }

  value(depth: number): PyValue {
    if (depth > MAX_DEPTH) this.fail('nesting too deep')
    this.space()
    const ch = this.text[this.pos]
    if (ch === '{') return this.dict(depth)
    if (ch === '(' || ch === '[') return this.sequence(depth, ch === '(' ? ')' : ']')
    const prefixed = /^([bBuUrR]{0,2})(['"])/.exec(this.text.slice(this.pos, this.pos + 3))
    if (prefixed) return this.string(prefixed[1].toLowerCase())
    return this.atom()
  }

  dict(depth: number): PyValue {
    this.pos++
    const entries = new Map<string, PyValue>()
    const keys: PyValue[] = []
    for (;;) {
      this.space()
      if (this.text[this.pos] === '}') break
      const key = this.value(depth + 1)
      this.space()
      if (this.text[this.pos++] !== ':') this.fail("expected ':'")
      const value = this.value(depth + 1)
      const id = key.k === 'str' ? `s:${key.s}` : key.k === 'int' ? `i:${key.n}` : `o:${keys.length}`
      if (!entries.has(id)) keys.push(key)
      entries.set(id, value)
      this.space()
      if (this.text[this.pos] === ',') this.pos++
      else if (this.text[this.pos] !== '}') this.fail("expected ',' or '}'")
    }
    this.pos++
    return {k: 'dict', entries, keys}
  }

  sequence(depth: number, close: string): PyValue {
    this.pos++
    const items: PyValue[] = []
    let comma = false
    for (;;) {
      this.space()
      if (this.text[this.pos] === close) break
      items.push(this.value(depth + 1))
      this.space()
      comma = this.text[this.pos] === ','
      if (comma) this.pos++
      else if (this.text[this.pos] !== close) this.fail(`expected ',' or '${close}'`)
    }
    this.pos++
    // (x) is x itself; (x,) and () are tuples.
    if (close === ')' && items.length === 1 && !comma) return items[0]
    return {k: close === ')' ? 'tuple' : 'list', items}
  }

  string(prefix: string): PyValue {
    this.pos += prefix.length
    const quote = this.text[this.pos]
    const triple = this.text.startsWith(quote.repeat(3), this.pos)
    const end = triple ? quote.repeat(3) : quote
    this.pos += end.length
    let body = ''
    for (;;) {
      if (this.pos >= this.text.length) this.fail('unterminated string')
      if (this.text.startsWith(end, this.pos)) break
      const ch = this.text[this.pos]
      if (!triple && ch === '\n') this.fail('newline in string')
      body += ch
      if (ch === '\\' && this.pos + 1 < this.text.length) body += this.text[++this.pos]
      this.pos++
    }
    this.pos += end.length
    const raw = prefix.includes('r')
    if (prefix.includes('b')) {
      const bytes = raw ? Buffer.from(body, 'latin1') : escapeDecode(body)
      if (!bytes) this.fail('bad escape in bytes')
      return {k: 'bytes', b: bytes}
    }
    return {k: 'str', s: raw ? body : decodeStrEscapes(body, () => this.fail('bad escape in string'))}
  }

  atom(): PyValue {
    const match = /^(-\s*)?(\d[\d_]*|True|False|None|[\w.+-]+)/.exec(this.text.slice(this.pos, this.pos + 64))
    if (!match) this.fail('expected a literal')
    this.pos += match[0].length
    const [, minus, word] = match
    if (/^\d[\d_]*$/.test(word) && !/[.eEjJ]/.test(this.text[this.pos] ?? '')) {
      const n = BigInt(word.replaceAll('_', ''))
      return {k: 'int', n: minus ? -n : n}
    }
    if (minus) return {k: 'other'}
    if (word === 'True' || word === 'False') return {k: 'bool', b: word === 'True'}
    if (word === 'None') return {k: 'none'}
    if (/^[\d.]/.test(word)) return {k: 'other'}
    this.fail(`'${word.slice(0, 20)}' is not a literal`)
  }
}

/** Python str escapes: those of bytes plus \u, \U and \N (\N names are not resolved: 'other' text). */
function decodeStrEscapes(body: string, fail: () => never): string {
  let out = ''
  for (let i = 0; i < body.length; i++) {
    if (body[i] !== '\\') {
      out += body[i]
      continue
    }
    const next = body[i + 1]
    if (next === 'u' || next === 'U') {
      const digits = next === 'u' ? 4 : 8
      const hex = body.slice(i + 2, i + 2 + digits)
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== digits || Number.parseInt(hex, 16) > 0x10ffff) fail()
      out += String.fromCodePoint(Number.parseInt(hex, 16))
      i += 1 + digits
      continue
    }
    const escape = /^\\(x[0-9a-fA-F]{2}|[0-7]{1,3}|[\s\S])/.exec(body.slice(i))?.[0] ?? fail()
    const decoded = escapeDecode(escape) ?? fail()
    out += decoded.toString('latin1')
    i += escape.length - 1
  }
  return out
}

/** Parses a whole literal; a string describes why it is not one. */
export function parsePyLiteral(text: string): PyValue | string {
  const parser = new Parser(text)
  try {
    const value = parser.value(0)
    parser.space()
    if (parser.pos < text.length) parser.fail('trailing text')
    return value
  } catch (error) {
    if (error instanceof LiteralError) return error.message
    throw error
  }
}

/** A dict's value for a string key. */
export function pyGet(dict: PyValue, key: string): PyValue | undefined {
  return dict.k === 'dict' ? dict.entries.get(`s:${key}`) : undefined
}
