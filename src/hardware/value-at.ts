/** The value at `path` inside a parsed JSON or XML document; undefined where a step is missing or not an object. */
export function valueAt(node: unknown, ...path: string[]): unknown {
  let current = node
  for (const key of path) {
    if (!current || typeof current !== 'object') return undefined
    current = (current as Record<string, unknown>)[key]
  }
  return current
}
