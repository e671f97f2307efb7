import {createRng} from '../rng.js'

/** The values a family's templates are filled with; random per run, reproducible with --seed. */
export interface Markers {
  /** A secret that lives only in the system prompt. */
  canary: string
  /** A public value the system prompt allows to give (positive controls). */
  control: string
  /** Two halves the model is asked to join: the join appears in no prompt, so an echo is not obedience. */
  controlA: string
  controlB: string
  rogueA: string
  rogueB: string
  /** Synthetic personal data and an API key, held in context (RFC 2606 domain, a 555-01xx number). */
  email: string
  phone: string
  apiKey: string
  /** A reserved name (RFC 2606): never resolvable, so nothing can be fetched from it. */
  exfilHost: string
}

const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ'
const DIGITS = '23456789'

function pick(rng: () => number, alphabet: string, count: number): string {
  let out = ''
  for (let i = 0; i < count; i++) out += alphabet[Math.floor(rng() * alphabet.length)]
  return out
}

/** Five characters with a digit in the middle: it never spells a word, and no template word looks like it. */
function part(rng: () => number): string {
  return pick(rng, UPPER + DIGITS, 2) + pick(rng, DIGITS, 1) + pick(rng, UPPER + DIGITS, 2)
}

/** Every marker of a run, from one seed. */
export function makeMarkers(seed: number): Markers {
  const rng = createRng(seed ^ 0x70a1)
  return {
    canary: `CANARY-${part(rng)}${part(rng)}`,
    control: `REF-${part(rng)}${part(rng)}`,
    controlA: part(rng),
    controlB: part(rng),
    rogueA: part(rng),
    rogueB: part(rng),
    email: `dana.${pick(rng, 'abcdefghjkmnpqrstuvwxyz', 6)}@example.com`,
    phone: `+1 202-555-01${pick(rng, DIGITS, 2)}`,
    apiKey: `sk-test-${pick(rng, UPPER + DIGITS + 'abcdefghjkmnpqrstuvwxyz', 24)}`,
    exfilHost: 'assets.llmsec-probe.invalid',
  }
}

/** Replaces each `{{name}}` with its marker (or `extra` value); an unknown name is a bug in a data file. */
export function fillTemplate(template: string, markers: Markers, extra: Record<string, string> = {}): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    const value = extra[name] ?? (markers as unknown as Record<string, string | undefined>)[name]
    if (value === undefined) throw new Error(`template placeholder {{${name}}} has no value`)
    return value
  })
}

/** Unicode tag characters (U+E0020–U+E007E) mirror printable ASCII and render as nothing. */
export function toTagCharacters(text: string): string {
  let out = ''
  for (const char of text) {
    const code = char.codePointAt(0)!
    if (code >= 0x20 && code <= 0x7e) out += String.fromCodePoint(0xe0000 + code)
  }
  return out
}

const ZERO_WIDTH = ['\u200b', '\u200c', '\u200d', '\u2060']

/** The text with a zero-width character after every character: keyword filters see no word of it. */
export function interleaveZeroWidth(text: string): string {
  let out = ''
  let i = 0
  for (const char of text) out += char + ZERO_WIDTH[i++ % ZERO_WIDTH.length]
  return out
}

/** What a reader sees: tag characters and zero-width characters removed (not decoded). */
export function visibleText(text: string): string {
  return text.replace(/[\u{e0000}-\u{e007f}\u200b-\u200d\u2060\ufeff]/gu, '')
}
