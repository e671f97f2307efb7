/**
 * Finds the first key repeated within one JSON object. JSON.parse silently keeps the last duplicate,
 * while other parsers keep the first, so a repeated key can show different content to different
 * loaders. Expects text that JSON.parse already accepted; iterative, so deep nesting is safe.
 */
export function findDuplicateKey(text: string): string | null {
  const frames: (Set<string> | null)[] = []
  let expectKey = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (ch === '{') {
      frames.push(new Set())
      expectKey = true
    } else if (ch === '[') {
      frames.push(null)
      expectKey = false
    } else if (ch === '}' || ch === ']') {
      frames.pop()
      expectKey = false
    } else if (ch === ',') {
      expectKey = frames[frames.length - 1] instanceof Set
    } else if (ch === ':') {
      expectKey = false
    } else if (ch === '"') {
      let j = i + 1
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1
      const keys = frames[frames.length - 1]
      if (expectKey && keys) {
        const key = JSON.parse(text.slice(i, j + 1)) as string
        if (keys.has(key)) return key
        keys.add(key)
      }
      i = j
    }
  }
  return null
}
