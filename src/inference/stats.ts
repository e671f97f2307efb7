import type {MetricSummary, SloSpec} from './inference.types.js'

/** Percentile with linear interpolation between closest ranks (numpy's default, as vLLM's benchmark). */
export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null
  const rank = (p / 100) * (sorted.length - 1)
  const low = Math.floor(rank)
  const high = Math.ceil(rank)
  return sorted[low] + (sorted[high] - sorted[low]) * (rank - low)
}

const round = (value: number | null) => (value === null ? null : Math.round(value * 1000) / 1000)

/** mean, p50, p90, p95, p99 of a list of samples (milliseconds, rounded to µs). */
export function summarise(samples: number[]): MetricSummary {
  if (samples.length === 0) return {mean: null, p50: null, p90: null, p95: null, p99: null}
  const sorted = [...samples].sort((a, b) => a - b)
  const mean = sorted.reduce((sum, v) => sum + v, 0) / sorted.length
  return {
    mean: round(mean),
    p50: round(percentile(sorted, 50)),
    p90: round(percentile(sorted, 90)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
  }
}

/** Time per output token after the first: (e2e - ttft) / (tokens - 1); null for one token. */
export function timePerOutputToken(e2eMs: number, ttftMs: number, outputTokens: number): number | null {
  return outputTokens > 1 ? (e2eMs - ttftMs) / (outputTokens - 1) : null
}

export interface RequestTiming {
  ttftMs: number | null
  tpotMs: number | null
  e2eMs: number
}

/** Whether a finished request meets every objective of an SLO (a missing value never meets one). */
export function meetsSlo(timing: RequestTiming, slo: SloSpec): boolean {
  if (slo.ttftMs !== undefined && (timing.ttftMs === null || timing.ttftMs > slo.ttftMs)) return false
  // A one-token answer has no TPOT; like vLLM's benchmark, it counts as meeting a TPOT objective.
  if (slo.tpotMs !== undefined && timing.tpotMs !== null && timing.tpotMs > slo.tpotMs) return false
  if (slo.e2eMs !== undefined && timing.e2eMs > slo.e2eMs) return false
  return true
}

/** Parses "ttft=200,tpot=50[,e2e=5000]" (milliseconds). Returns an error message or the SLO. */
export function parseSlo(text: string): SloSpec | string {
  const slo: SloSpec = {}
  const keys = {ttft: 'ttftMs', tpot: 'tpotMs', e2e: 'e2eMs'} as const
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const match = /^(ttft|tpot|e2e)=(\d+(?:\.\d+)?)(?:ms)?$/.exec(part)
    if (!match) return `--slo part "${part}" is not KEY=MS with KEY one of ttft, tpot, e2e`
    slo[keys[match[1] as keyof typeof keys]] = Number(match[2])
  }
  if (Object.keys(slo).length === 0) return '--slo is empty; expected e.g. ttft=200,tpot=50'
  return slo
}

/**
 * The Wilson score interval of a binomial proportion (95 % by default): unlike p ± z·SE it
 * stays inside [0, 1] and is not empty at 0 of n, which is what a small sample of attacks gives.
 */
export function wilsonInterval(successes: number, trials: number, z = 1.959963984540054): {low: number; high: number} {
  if (trials <= 0) return {low: 0, high: 1}
  const p = successes / trials
  const z2 = z * z
  const denominator = 1 + z2 / trials
  const centre = (p + z2 / (2 * trials)) / denominator
  const half = (z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / denominator
  // At 0 or n the exact bound is 0 or 1; rounding must not move it off.
  return {
    low: successes === 0 ? 0 : Math.max(0, centre - half),
    high: successes === trials ? 1 : Math.min(1, centre + half),
  }
}
