/**
 * Finding and rule severities, from the most to the least severe. Every domain (audit, scan,
 * firewall, smoke) and every report uses this one order and the helpers below.
 */
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const
export type Severity = (typeof SEVERITIES)[number]

const RANK: Record<Severity, number> = {critical: 4, high: 3, medium: 2, low: 1, info: 0}

/** Positive when `a` is more severe than `b`, negative when less, 0 when equal. */
export function compareSeverity(a: Severity, b: Severity): number {
  return RANK[a] - RANK[b]
}

/** Whether `severity` is at or above `threshold` (high is at least medium). */
export function atLeast(severity: Severity, threshold: Severity): boolean {
  return RANK[severity] >= RANK[threshold]
}

/** A sort comparator that puts the most severe first. */
export function mostSevereFirst(a: Severity, b: Severity): number {
  return RANK[b] - RANK[a]
}

/** The most severe of the given severities, or null when there is none. */
export function worstSeverity(severities: Iterable<Severity>): Severity | null {
  let worst: Severity | null = null
  for (const severity of severities) if (worst === null || RANK[severity] > RANK[worst]) worst = severity
  return worst
}
