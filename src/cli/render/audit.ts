import type {AuditResult, RuleResult} from '../../audit/index.js'
import {compareSeverity, SEVERITIES} from '../../core/severity.js'
import type {Style} from '../style.js'
import {append} from '../../core/arrays.js'

interface Merged {
  result: RuleResult
  rulesets: string[]
  controls: Record<string, Set<string>>
}

/** One entry per rule id across rulesets, with the rulesets it came from and all its controls. */
function mergeByRule(audit: AuditResult): Merged[] {
  const byId = new Map<string, Merged>()
  for (const ruleset of audit.rulesets) {
    for (const result of ruleset.results) {
      let merged = byId.get(result.ruleId)
      if (!merged) {
        merged = {result, rulesets: [], controls: {}}
        byId.set(result.ruleId, merged)
      }
      merged.rulesets.push(ruleset.id)
      // The most severe rating of the rule across rulesets is the one shown.
      if (compareSeverity(result.severity, merged.result.severity) > 0)
        merged.result = {...merged.result, severity: result.severity}
      for (const [framework, ids] of Object.entries(result.controls)) {
        const set = (merged.controls[framework] ??= new Set())
        for (const id of ids) set.add(id)
      }
    }
  }
  return [...byId.values()]
}

function colourScore(score: number, style: Style): string {
  const text = `${score.toFixed(1)}/100`
  return score >= 90 ? style.green(text) : score >= 60 ? style.yellow(text) : style.red(text)
}

function renderFinding(m: Merged, style: Style): string[] {
  const {result} = m
  const mark = style.red('✗')
  const lines = [`  ${mark} ${style.bold(result.ruleId)}  ${result.title}`]
  for (const line of result.evidence.slice(0, 6)) lines.push(`      ${style.dim('saw:')} ${line}`)
  if (result.evidence.length > 6) lines.push(`      ${style.dim(`… ${result.evidence.length - 6} more`)}`)
  const controls = Object.entries(m.controls)
    .map(([framework, ids]) => `${framework} ${[...ids].join(', ')}`)
    .join(' · ')
  if (controls) lines.push(`      ${style.dim('controls:')} ${controls}`)
  const [first, ...rest] = result.remediation.split('\n')
  lines.push(`      ${style.dim('fix:')} ${first}`)
  for (const line of rest) lines.push(`        ${line.trim()}`)
  return lines
}

/** Human output of `llmsec audit`: score first, failures by severity, errors, not-applicable explained, summary. */
export function renderAudit(audit: AuditResult, style: Style, exitCode: number): string {
  const out: string[] = []
  const where = audit.root ? `root ${audit.root}` : `host ${audit.host ?? 'unknown'}`
  out.push(
    `${style.bold('Score')} ${colourScore(audit.score, style)}  (${where}, ${((audit.durationMs ?? 0) / 1000).toFixed(1)} s)`,
  )
  if (audit.rulesets.length > 1 || audit.rulesets[0]?.id !== 'baseline')
    for (const rs of audit.rulesets) out.push(`  ${rs.id.padEnd(18)} ${colourScore(rs.score, style)}`)
  const merged = mergeByRule(audit)
  for (const severity of SEVERITIES) {
    const findings = merged.filter((m) => m.result.status === 'fail' && m.result.severity === severity)
    if (!findings.length) continue
    out.push('', style.bold(`${severity.toUpperCase()} (${findings.length} failed)`))
    for (const m of findings) append(out, renderFinding(m, style))
  }
  const errors = merged.filter((m) => m.result.status === 'error')
  if (errors.length) {
    out.push('', style.bold(`ERRORS (${errors.length}: the check could not run)`))
    for (const m of errors)
      out.push(`  ${style.red('?')} ${m.result.ruleId}: ${m.result.reason ?? m.result.evidence[0]}`)
  }
  const inapplicable = merged.filter((m) => m.result.status === 'not-applicable')
  if (inapplicable.length) {
    out.push('', style.bold(`NOT APPLICABLE (${inapplicable.length}, no credit)`))
    const byReason = new Map<string, string[]>()
    for (const m of inapplicable) {
      const reason = m.result.reason ?? m.result.evidence[0] ?? 'not applicable'
      byReason.set(reason, [...(byReason.get(reason) ?? []), m.result.ruleId])
    }
    for (const [reason, ids] of byReason) out.push(`  - ${reason}: ${style.dim(ids.join(', '))}`)
  }
  const s = audit.summary
  const policy = audit.failUnder !== undefined && audit.failUnder !== null ? `, fail-under ${audit.failUnder}` : ''
  out.push(
    '',
    `${s.pass} passed, ${s.fail} failed, ${s.error} errors, ${s.waived} waived, ${s.notApplicable} not applicable — score ${audit.score.toFixed(1)} (fail-on ${audit.failOn ?? 'high'}${policy}: exit ${exitCode})`,
  )
  return out.join('\n')
}
