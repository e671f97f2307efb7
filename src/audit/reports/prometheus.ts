import {append} from '../../core/arrays.js'
import {renderExposition, runMetrics, type MetricFamily, type Sample} from '../../core/prometheus.js'
import {RULE_STATUSES} from '../audit.types.js'
import {isFailure} from '../score.js'
import type {AuditReport} from './report.types.js'
import type {FleetReport} from './fleet.types.js'

/** Adds the host label in fleet reports (one textfile per fleet); a single audit has none. */
function withHost(host: string | null, labels: Record<string, string>): Record<string, string> {
  return host === null ? labels : {host, ...labels}
}

function auditSamples(report: AuditReport, host: string | null) {
  const score: Sample[] = []
  const failed: Sample[] = []
  for (const rs of report.rulesets) {
    score.push({labels: withHost(host, {ruleset: rs.id}), value: rs.score})
    for (const rule of rs.rules) {
      // The ruleset's own severity; an unevaluated rule (error) counts as failed, as in the score.
      const labels = withHost(host, {rule: rule.ruleId, severity: rule.severity, ruleset: rs.id})
      failed.push({labels, value: isFailure(rule) ? 1 : 0})
    }
  }
  const statuses = RULE_STATUSES.map((status) => ({
    labels: withHost(host, {status}),
    value: report.rules.filter((r) => r.status === status).length,
  }))
  return {score, failed, statuses, overall: {labels: withHost(host, {}), value: report.score}}
}

/** When the audit finished: its recorded start plus duration (a saved result's, too), else now. */
function runMetricsOf(report: AuditReport, host: string | null, now: Date): MetricFamily[] {
  const durationMs = report.durationMs ?? 0
  const started = Date.parse(report.startedAt ?? '')
  const finished = Number.isFinite(started) ? new Date(started + durationMs) : now
  return runMetrics('audit', finished, durationMs, host === null ? {} : {host})
}

/** One family per name (the hosts' samples together): a repeated family name is invalid. */
function mergeFamilies(families: MetricFamily[]): MetricFamily[] {
  const byName = new Map<string, MetricFamily>()
  for (const f of families) {
    const known = byName.get(f.name)
    if (known) append(known.samples, f.samples)
    else byName.set(f.name, {...f, samples: [...f.samples]})
  }
  return [...byName.values()]
}

/**
 * `--format prometheus` of an audit (or of a fleet, one `host` label per host): per-ruleset and
 * overall scores, one 0/1 series per rule and ruleset, rule counts per status, run time.
 */
export function renderAuditMetrics(input: AuditReport | FleetReport, now = new Date()): string {
  const hosts =
    'kind' in input && input.kind === 'fleet'
      ? input.hosts.map((h) => ({host: h.host as string | null, report: h.report}))
      : [{host: null, report: input as AuditReport}]
  const families: Record<'score' | 'overall' | 'failed' | 'statuses', MetricFamily> = {
    overall: {
      name: 'llmsec_audit_overall_score',
      help: 'Audit score over the distinct rules of all rulesets (0-100).',
      samples: [],
    },
    score: {name: 'llmsec_audit_score', help: 'Audit score of one ruleset (0-100).', samples: []},
    failed: {
      name: 'llmsec_rule_failed',
      help: 'Whether a rule failed or could not be evaluated (1) or not (0), per ruleset.',
      samples: [],
    },
    statuses: {name: 'llmsec_audit_rules', help: 'Distinct audited rules per status.', samples: []},
  }
  const run: MetricFamily[] = []
  for (const {host, report} of hosts) {
    const s = auditSamples(report, host)
    families.overall.samples.push(s.overall)
    for (const key of ['score', 'failed', 'statuses'] as const) append(families[key].samples, s[key])
    append(run, runMetricsOf(report, host, now))
  }
  return renderExposition([...Object.values(families), ...mergeFamilies(run)])
}
