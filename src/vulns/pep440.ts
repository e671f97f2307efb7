import {compare, explain} from '@renovatebot/pep440'

const MAX_LENGTH = 128

/** A PEP 440 version's public part (`2.5.1+cu121` → `2.5.1`), null when the text is not PEP 440. */
export function publicPep440(version: string): string | null {
  const text = version.trim()
  if (!text || text.length > MAX_LENGTH) return null
  return explain(text)?.public ?? null
}

/**
 * Orders PEP 440 versions by their public part. A local label (`+cu121`) marks a rebuild of the
 * same release, so `torch 2.5.1+cu121` is judged as 2.5.1 against an advisory's range (PEP 440
 * would sort it after 2.5.1 and let it escape a `<= 2.5.1` range). Null when either is not PEP 440.
 */
export function comparePep440(a: string, b: string): number | null {
  const x = publicPep440(a)
  const y = publicPep440(b)
  return x === null || y === null ? null : Math.sign(compare(x, y))
}

/** A distribution name normalised as PEP 503 says (`Llama_CPP.python` → `llama-cpp-python`). */
export function normalizePythonName(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[-_.]+/g, '-')
}
