/** Arrival times for open-loop load, as vLLM's benchmark draws them (Poisson, or gamma with a burstiness). */

/** A standard normal draw (Box–Muller) from a uniform PRNG. */
function normal(rng: () => number): number {
  const u = 1 - rng()
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng())
}

/** A gamma(shape, 1) draw: Marsaglia and Tsang's method; shape < 1 through the boost u^(1/shape). */
export function gammaDraw(rng: () => number, shape: number): number {
  if (shape < 1) return gammaDraw(rng, shape + 1) * Math.pow(1 - rng(), 1 / shape)
  const d = shape - 1 / 3
  const c = 1 / Math.sqrt(9 * d)
  // Bounded: the acceptance rate is above 95 % for every shape >= 1.
  for (let tries = 0; tries < 1000; tries++) {
    const x = normal(rng)
    const v = (1 + c * x) ** 3
    if (v <= 0) continue
    const u = 1 - rng()
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v
  }
  return shape
}

/**
 * Arrival offsets (ms from start) for up to `count` requests at `ratePerSec`, bounded by `limitMs`.
 * Gaps are gamma(burstiness, 1 / (rate × burstiness)): burstiness 1 is a Poisson process, lower
 * is burstier, higher is more regular; the mean rate is `ratePerSec` either way. An infinite
 * rate sends every request at once.
 */
export function arrivalOffsets(
  rng: () => number,
  ratePerSec: number,
  count: number,
  limitMs: number,
  burstiness = 1,
): number[] {
  if (!Number.isFinite(ratePerSec)) return Array.from({length: count}, () => 0)
  const out: number[] = []
  let at = 0
  while (out.length < count) {
    at += (gammaDraw(rng, burstiness) / (ratePerSec * burstiness)) * 1000
    if (at > limitMs) break
    out.push(at)
  }
  return out
}
