/**
 * Array helpers for inputs of any size. `target.push(...items)` and `Math.max(...values)` pass
 * every element as a call argument and throw RangeError past the engine's argument limit
 * (about 10^5 elements); these loop instead. Lint forbids the spread forms in src/ and commands/.
 */

/** Appends every item to target in place and returns target. */
export function append<T>(target: T[], items: Iterable<T>): T[] {
  for (const item of items) target.push(item)
  return target
}

/** The largest of the values, or `floor` when there are none or all are smaller. */
export function maxOf(values: Iterable<number>, floor: number): number {
  let max = floor
  for (const value of values) if (value > max) max = value
  return max
}

/** The smallest of the values, or `ceiling` when there are none or all are larger. */
export function minOf(values: Iterable<number>, ceiling: number): number {
  let min = ceiling
  for (const value of values) if (value < min) min = value
  return min
}

/** Runs `work` over items with at most `limit` in flight, keeping the input order in the results. */
export async function mapLimited<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let next = 0
  const workers = Array.from({length: Math.max(1, Math.min(limit, items.length))}, async () => {
    while (next < items.length) {
      const index = next++
      results[index] = await work(items[index])
    }
  })
  await Promise.all(workers)
  return results
}
