import {usageError} from './errors.js'

/** Longest glob accepted (waiver patterns, --exclude patterns and sshd Include lines are short). */
const MAX_GLOB_LENGTH = 1024

/** Index of the `}` that closes the `{` at `open`, or -1 (then the brace is literal). */
function closingBrace(glob: string, open: number): number {
  let depth = 0
  for (let i = open; i < glob.length; i++) {
    if (glob[i] === '{') depth++
    else if (glob[i] === '}' && --depth === 0) return i
  }
  return -1
}

/** `[abc]`, `[a-z]`, `[!abc]`/`[^abc]` as a class that never matches `/`; null when unclosed or invalid. */
function characterClass(glob: string, open: number): {source: string; end: number} | null {
  const end = glob.indexOf(']', open + 2)
  if (end === -1) return null
  const body = glob.slice(open + 1, end)
  const negated = body[0] === '!' || body[0] === '^'
  const members = (negated ? body.slice(1) : body).replace(/[\\\]^]/g, '\\$&')
  const source = `(?!/)[${negated ? '^' : ''}${members}]`
  if (!members || !isValidRegExp(source)) return null
  return {source, end}
}

function isValidRegExp(source: string): boolean {
  try {
    new RegExp(source)
    return true
  } catch {
    return false
  }
}

/**
 * Compiles llmsec's one glob syntax to an anchored regular expression:
 * `*` any run of characters within one path segment, `**` any run across segments (followed by a
 * slash it also matches no directory at all), `?` one character other than `/`, `[abc]`, `[a-z]`,
 * `[!abc]` a class, `{a,b}` alternatives. Everything else is literal, so a pattern never injects
 * regular-expression syntax; an unclosed `[` or `{` is literal too.
 */
export function globToRegExp(glob: string): RegExp {
  if (glob.length > MAX_GLOB_LENGTH)
    throw usageError(`A glob is longer than ${MAX_GLOB_LENGTH} characters: ${glob.slice(0, 40)}…`)
  const closers: number[] = []
  let source = ''
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i]
    const cls = char === '[' ? characterClass(glob, i) : null
    const close = char === '{' ? closingBrace(glob, i) : -1
    if (char === '*') {
      const star = stars(glob, i)
      source += star.source
      i = star.end
    } else if (char === '?') source += '[^/]'
    else if (cls) {
      source += cls.source
      i = cls.end
    } else if (close > i) {
      closers.push(close)
      source += '(?:'
    } else if (char === '}' && closers.at(-1) === i) {
      closers.pop()
      source += ')'
    } else if (char === ',' && closers.length > 0) source += '|'
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&')
  }
  return new RegExp(`^${source}$`, 's')
}

/** A run of `*` starting at `start`: one star stays in its segment, two or more cross segments. */
function stars(glob: string, start: number): {source: string; end: number} {
  let end = start
  while (glob[end + 1] === '*') end++
  if (end === start) return {source: '[^/]*', end}
  if (glob[end + 1] === '/') return {source: '(?:.*/)?', end: end + 1}
  return {source: '.*', end}
}

/** Whether a value matches a glob (see globToRegExp). */
export function matchesGlob(value: string, glob: string): boolean {
  return globToRegExp(glob).test(value)
}
