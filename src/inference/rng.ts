/** A small seeded PRNG (mulberry32): reproducible prompts and arrival times for a given --seed. */
export function createRng(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Exponentially distributed gap (ms) between Poisson arrivals at `ratePerSec`. */
function nextPoissonGapMs(rng: () => number, ratePerSec: number): number {
  // 1 - u lies in (0, 1], so the log is finite.
  return (-Math.log(1 - rng()) / ratePerSec) * 1000
}

/** Arrival offsets (ms from start) for `count` requests at `ratePerSec`, bounded by `limitMs`. */
export function poissonArrivals(rng: () => number, ratePerSec: number, count: number, limitMs: number): number[] {
  const out: number[] = []
  let at = 0
  while (out.length < count) {
    at += nextPoissonGapMs(rng, ratePerSec)
    if (at > limitMs) break
    out.push(at)
  }
  return out
}
