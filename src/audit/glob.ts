/** Longest glob accepted (waiver host/path patterns are short). */
const MAX_GLOB_LENGTH = 1024

/**
 * Compiles a shell-style glob to an anchored regular expression: `*` matches within one path
 * segment, `**` across segments, `?` one character, `[abc]` a class. Everything else is literal,
 * so a pattern can never inject regular-expression syntax.
 */
export function globToRegExp(glob: string): RegExp {
  if (glob.length > MAX_GLOB_LENGTH) throw new Error(`glob longer than ${MAX_GLOB_LENGTH} characters`)
  let source = ''
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i]
    if (char === '*') {
      if (glob[i + 1] === '*') {
        source += '.*'
        i++
      } else source += '[^/]*'
    } else if (char === '?') source += '[^/]'
    else if (char === '[') {
      const end = glob.indexOf(']', i + 2)
      if (end === -1) source += '\\['
      else {
        const body = glob
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/[\\\]]/g, '\\$&')
        source += `[${body}]`
        i = end
      }
    } else source += char.replace(/[.+^${}()|\\\]]/g, '\\$&')
  }
  return new RegExp(`^${source}$`, 's')
}

/** Whether a value matches a shell-style glob (see globToRegExp). */
export function matchesGlob(value: string, glob: string): boolean {
  return globToRegExp(glob).test(value)
}
