import type {AuditComparison, FailureRef, RuleResult} from '../../audit/index.js'
import {formatHeadline, type AuditReport} from '../../audit/reports/index.js'
import {SEVERITIES} from '../../core/severity.js'
import type {Style} from '../style.js'
import {append} from '../../core/arrays.js'

function colourScore(score: number, style: Style): string {
  const text = `${score.toFixed(1)}/100`
  return score >= 90 ? style.green(text) : score >= 60 ? style.yellow(text) : style.red(text)
}

function renderFinding(result: RuleResult, style: Style): string[] {
  const lines = [`  ${style.red('✗')} ${style.bold(result.ruleId)}  ${result.title}`]
  for (const line of result.evidence.slice(0, 6)) lines.push(`      ${style.dim('saw:')} ${line}`)
  if (result.evidence.length > 6) lines.push(`      ${style.dim(`… ${result.evidence.length - 6} more`)}`)
  const controls = Object.entries(result.controls)
    .map(([framework, ids]) => `${framework} ${ids.join(', ')}`)
    .join(' · ')
  if (controls) lines.push(`      ${style.dim('controls:')} ${controls}`)
  if ((result.rulesets?.length ?? 0) > 1) lines.push(`      ${style.dim('rulesets:')} ${result.rulesets!.join(', ')}`)
  const [first, ...rest] = result.remediation.split('\n')
  lines.push(`      ${style.dim('fix:')} ${first}`)
  for (const line of rest) lines.push(`        ${line.trim()}`)
  return lines
}

function renderErrors(rules: RuleResult[], style: Style): string[] {
  const errors = rules.filter((r) => r.status === 'error')
  if (!errors.length) return []
  const out = ['', style.bold(`ERRORS (${errors.length}: could not be evaluated; each counts as a failure)`)]
  for (const r of errors) out.push(`  ${style.red('?')} ${r.ruleId} (${r.severity}): ${r.reason ?? r.evidence[0]}`)
  const root = errors.filter((r) => r.needsRoot).map((r) => r.ruleId)
  if (root.length) out.push(`  ${style.bold('run as root to evaluate:')} ${root.join(', ')}`)
  return out
}

function renderNotApplicable(rules: RuleResult[], style: Style): string[] {
  const inapplicable = rules.filter((r) => r.status === 'not-applicable')
  if (!inapplicable.length) return []
  const out = ['', style.bold(`NOT APPLICABLE (${inapplicable.length}, no credit)`)]
  const byReason = new Map<string, string[]>()
  for (const r of inapplicable) {
    const reason = r.reason ?? r.evidence[0] ?? 'not applicable'
    byReason.set(reason, [...(byReason.get(reason) ?? []), r.ruleId])
  }
  for (const [reason, ids] of byReason) out.push(`  - ${reason}: ${style.dim(ids.join(', '))}`)
  return out
}

function formatRef(ref: FailureRef): string {
  const error = ref.status === 'error' ? ', could not be evaluated' : ''
  return `${ref.ruleId} (${ref.severity}${error})${ref.subject ? ` ${ref.subject}` : ''}`
}

function renderComparison(c: AuditComparison, score: number, style: Style): string[] {
  const sign = c.scoreChange > 0 ? '+' : ''
  const when = c.previous.startedAt ? ` of ${c.previous.startedAt}` : ''
  const out = [
    '',
    style.bold(`CHANGES SINCE ${c.previous.file}${when}`),
    `  score ${c.previous.score.toFixed(1)} → ${score.toFixed(1)} (${sign}${c.scoreChange.toFixed(1)}) · ${c.introduced.length} new, ${c.resolved.length} fixed, ${c.persisting} still failing`,
  ]
  const lists: [string, FailureRef[], string][] = [
    ['new failure', c.introduced, style.red('+')],
    ['fixed', c.resolved, style.green('-')],
    ['waived now (not fixed)', c.waived, style.cyan('~')],
    ['not evaluated this run (not fixed)', c.notEvaluated, style.yellow('?')],
  ]
  for (const [label, refs, mark] of lists) for (const ref of refs) out.push(`  ${mark} ${label}: ${formatRef(ref)}`)
  for (const e of c.newEvidence)
    for (const line of e.lines) out.push(`  ${style.red('+')} ${e.ruleId} now also: ${line}`)
  for (const path of c.models?.added ?? []) out.push(`  ${style.yellow('+')} model file: ${path}`)
  for (const path of c.models?.removed ?? []) out.push(`  - model file: ${path}`)
  return out
}

function policyText(audit: AuditReport): string {
  if (audit.failOnNew) return `fail-on-new ${audit.failOnNew}`
  const under = audit.failUnder !== undefined && audit.failUnder !== null ? `, fail-under ${audit.failUnder}` : ''
  return `fail-on ${audit.failOn ?? 'high'}${under}`
}

/** Human output of `llmsec audit`: the headline first, failures by severity, errors, not-applicable explained, summary. */
export function renderAudit(audit: AuditReport, style: Style, exitCode: number): string {
  const where = audit.root ? `root ${audit.root}, host ${audit.host ?? 'unknown'}` : `host ${audit.host ?? 'unknown'}`
  const os = audit.os ? `, ${audit.os}` : ''
  const headline = audit.headline ? ` · ${formatHeadline(audit.headline)}` : ''
  const out = [
    `${style.bold('Score')} ${colourScore(audit.score, style)}${headline}`,
    `  (${where}${os}, ${((audit.durationMs ?? 0) / 1000).toFixed(1)} s)`,
  ]
  if (audit.rulesets.length > 1 || audit.rulesets[0]?.id !== 'baseline')
    for (const rs of audit.rulesets)
      out.push(
        `  ${rs.id.padEnd(18)} ${colourScore(rs.score, style)}${rs.headline ? ` · ${formatHeadline(rs.headline)}` : ''}`,
      )
  for (const severity of SEVERITIES) {
    const findings = audit.rules.filter((r) => r.status === 'fail' && r.severity === severity)
    if (!findings.length) continue
    out.push('', style.bold(`${severity.toUpperCase()} (${findings.length} failed)`))
    for (const r of findings) append(out, renderFinding(r, style))
  }
  append(out, renderErrors(audit.rules, style))
  append(out, renderNotApplicable(audit.rules, style))
  if (audit.comparison) append(out, renderComparison(audit.comparison, audit.score, style))
  const s = audit.summary
  out.push(
    '',
    `${s.pass} passed, ${s.fail} failed, ${s.error} errors, ${s.waived} waived, ${s.notApplicable} not applicable — score ${audit.score.toFixed(1)} (${policyText(audit)}: exit ${exitCode})`,
  )
  return out.join('\n')
}
