/**
 * JSON as serde_json reads it (the safetensors crate's parser), for headers whose numbers must be
 * exact: numbers keep their source text (8.0, 1e3 and 2^64 differ from 8 there, not in JSON.parse),
 * objects keep every entry in order (a repeated key stays visible), nesting stops at serde_json's
 * recursion limit, and a lone UTF-16 surrogate escape is an error as it is for a Rust String.
 * Linear in the text; recursion is bounded by the depth limit.
 */
export type JsonValue =
  | {t: 'object'; entries: [string, JsonValue][]}
  | {t: 'array'; items: JsonValue[]}
  | {t: 'string'; s: string}
  | {t: 'number'; raw: string}
  | {t: 'bool'; b: boolean}
  | {t: 'null'}

/** serde_json's remaining_depth starts at 128 and fails when it reaches 0: 127 levels are allowed. */
const MAX_DEPTH = 127

export class JsonSyntaxError {
  constructor(readonly message: string) {}
}

const ESCAPES: Record<string, string> = {'"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t'}
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y
const SPACE = /[ \t\n\r]*/y

class Parser {
  private i = 0
  constructor(private readonly text: string) {}

  private fail(what: string): never {
    throw new JsonSyntaxError(`${what} at character ${this.i}`)
  }

  private space(): void {
    SPACE.lastIndex = this.i
    SPACE.exec(this.text)
    this.i = SPACE.lastIndex
  }

  document(): JsonValue {
    this.space()
    const value = this.value(0)
    this.space()
    if (this.i !== this.text.length) this.fail('trailing characters')
    return value
  }

  private value(depth: number): JsonValue {
    const ch = this.text[this.i]
    if (ch === '{' || ch === '[') {
      if (depth + 1 > MAX_DEPTH) this.fail('recursion limit exceeded')
      return ch === '{' ? this.object(depth + 1) : this.array(depth + 1)
    }
    if (ch === '"') return {t: 'string', s: this.string()}
    for (const [word, value] of [
      ['true', {t: 'bool', b: true}],
      ['false', {t: 'bool', b: false}],
      ['null', {t: 'null'}],
    ] as const)
      if (this.text.startsWith(word, this.i)) {
        this.i += word.length
        return value
      }
    NUMBER.lastIndex = this.i
    const m = NUMBER.exec(this.text)
    if (!m) this.fail('expected a value')
    this.i = NUMBER.lastIndex
    return {t: 'number', raw: m[0]}
  }

  private list<T>(close: string, item: () => T): T[] {
    const items: T[] = []
    this.i++
    this.space()
    if (this.text[this.i] === close) {
      this.i++
      return items
    }
    for (;;) {
      items.push(item())
      this.space()
      const ch = this.text[this.i++]
      if (ch === close) return items
      if (ch !== ',') this.fail(`expected ',' or '${close}'`)
      this.space()
    }
  }

  private object(depth: number): JsonValue {
    const entries = this.list('}', (): [string, JsonValue] => {
      if (this.text[this.i] !== '"') this.fail('expected a key')
      const key = this.string()
      this.space()
      if (this.text[this.i++] !== ':') this.fail("expected ':'")
      this.space()
      return [key, this.value(depth)]
    })
    return {t: 'object', entries}
  }

  private array(depth: number): JsonValue {
    return {t: 'array', items: this.list(']', () => this.value(depth))}
  }

  private hex4(): number {
    const digits = this.text.slice(this.i, this.i + 4)
    if (!/^[0-9a-fA-F]{4}$/.test(digits)) this.fail('invalid \\u escape')
    this.i += 4
    return parseInt(digits, 16)
  }

  private escape(): string {
    const ch = this.text[this.i++]
    if (ch !== 'u') return Object.hasOwn(ESCAPES, ch) ? ESCAPES[ch] : this.fail('invalid escape')
    const unit = this.hex4()
    if (unit >= 0xdc00 && unit <= 0xdfff) this.fail('lone trailing surrogate')
    if (unit < 0xd800 || unit > 0xdbff) return String.fromCharCode(unit)
    if (this.text.slice(this.i, this.i + 2) !== '\\u') this.fail('lone leading surrogate')
    this.i += 2
    const low = this.hex4()
    if (low < 0xdc00 || low > 0xdfff) this.fail('lone leading surrogate')
    return String.fromCharCode(unit, low)
  }

  private string(): string {
    this.i++
    let out = ''
    let start = this.i
    for (;;) {
      if (this.i >= this.text.length) this.fail('unterminated string')
      const code = this.text.charCodeAt(this.i)
      if (code === 0x22) {
        out += this.text.slice(start, this.i++)
        return out
      }
      if (code < 0x20) this.fail('control character in string')
      if (code === 0x5c) {
        out += this.text.slice(start, this.i)
        this.i++
        out += this.escape()
        start = this.i
      } else this.i++
    }
  }
}

/** Parses JSON text as serde_json does; throws JsonSyntaxError (not an Error: no stack) on what it rejects. */
export function parseStrictJson(text: string): JsonValue {
  return new Parser(text).document()
}

export const U64_MAX = (1n << 64n) - 1n

/**
 * A number serde_json hands to a `usize` (on a 64-bit host): an integer token (no fraction or
 * exponent, which make it a float) from 0 to 2^64-1; "-0" is the integer 0. Null otherwise.
 */
export function usizeOf(value: JsonValue): bigint | null {
  if (value.t !== 'number' || !/^-?\d+$/.test(value.raw)) return null
  const n = BigInt(value.raw)
  if (n < 0n || n > U64_MAX || (value.raw.startsWith('-') && n !== 0n)) return null
  return n
}
