/**
 * Protocol 0 text arguments decoded exactly as CPython's unpickler decodes them, so a name spelled
 * with escapes (S'\x6f\x73', V\u006fs) resolves to what the loader imports. null: the loader
 * raises on this argument (nothing after it runs).
 */

const SIMPLE_ESCAPES: Record<string, number> = {
  '\\': 0x5c,
  "'": 0x27,
  '"': 0x22,
  a: 0x07,
  b: 0x08,
  f: 0x0c,
  n: 0x0a,
  r: 0x0d,
  t: 0x09,
  v: 0x0b,
}
const HEX = /^[0-9a-fA-F]$/
const OCTAL = /^[0-7]$/

/** codecs.escape_decode (Objects/bytesobject.c _PyBytes_DecodeEscape): \x needs two hex digits. */
export function escapeDecode(text: string): Buffer | null {
  const out: number[] = []
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (ch !== '\\') {
      out.push(text.charCodeAt(i) & 0xff)
      continue
    }
    const next = text[++i]
    if (next === undefined) return null // "\\ at end of string"
    if (Object.hasOwn(SIMPLE_ESCAPES, next)) out.push(SIMPLE_ESCAPES[next])
    else if (next === '\n') continue
    else if (OCTAL.test(next)) {
      let value = Number.parseInt(next, 8)
      for (let k = 0; k < 2 && OCTAL.test(text[i + 1] ?? ''); k++) value = value * 8 + Number.parseInt(text[++i], 8)
      out.push(value & 0xff)
    } else if (next === 'x') {
      if (!HEX.test(text[i + 1] ?? '') || !HEX.test(text[i + 2] ?? '')) return null
      out.push(Number.parseInt(text.slice(i + 1, i + 3), 16))
      i += 2
    } else out.push(0x5c, text.charCodeAt(i) & 0xff)
  }
  return Buffer.from(out)
}

/**
 * The STRING opcode (Modules/_pickle.c load_string): the argument must be quoted with the same
 * quote at both ends, then escape-decoded; the unpickler's default encoding (ASCII) makes it a str.
 */
export function decodeStringArg(line: Buffer): string | null {
  const raw = line.toString('latin1')
  if (raw.length < 2 || raw[0] !== raw[raw.length - 1] || (raw[0] !== "'" && raw[0] !== '"')) return null
  const bytes = escapeDecode(raw.slice(1, -1))
  return bytes === null ? null : bytes.toString('latin1')
}

/**
 * The UNICODE opcode: raw-unicode-escape (Objects/unicodeobject.c
 * _PyUnicode_DecodeRawUnicodeEscapeStateful). Bytes are Latin-1 code points; \uXXXX and \UXXXXXXXX
 * are escapes only after an odd run of backslashes; a short or out-of-range escape raises.
 */
export function decodeUnicodeArg(line: Buffer): string | null {
  const raw = line.toString('latin1')
  let out = ''
  for (let i = 0; i < raw.length;) {
    if (raw[i] !== '\\') {
      out += raw[i++]
      continue
    }
    let run = 0
    while (raw[i + run] === '\\') run++
    const marker = raw[i + run]
    if (run % 2 === 0 || (marker !== 'u' && marker !== 'U')) {
      out += raw.slice(i, i + run)
      i += run
      continue
    }
    out += '\\'.repeat(run - 1)
    const digits = marker === 'u' ? 4 : 8
    const hex = raw.slice(i + run + 1, i + run + 1 + digits)
    if (hex.length !== digits || ![...hex].every((c) => HEX.test(c))) return null
    const code = Number.parseInt(hex, 16)
    if (code > 0x10ffff) return null
    out += String.fromCodePoint(code)
    i += run + 1 + digits
  }
  return out
}

/** GLOBAL and INST lines are decoded as strict UTF-8 (load_global); invalid bytes make the loader raise. */
export function decodeUtf8Strict(bytes: Buffer): string | null {
  try {
    return UTF8.decode(bytes)
  } catch {
    return null
  }
}

const UTF8 = new TextDecoder('utf-8', {fatal: true})
