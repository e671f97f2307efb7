import {countStatuses} from '../score.js'
import {formatDuration, formatHeadline, rowsOf, waiverNotices, type Row} from './model.js'
import type {AuditReport} from './report.types.js'
import type {FleetReport} from './fleet.types.js'
import {append} from '../../core/arrays.js'

/** Escapes text for one Markdown table cell. */
function cell(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/[<>]/g, (c) => (c === '<' ? '&lt;' : '&gt;'))
    .replace(/\r?\n/g, '<br>')
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``
}

function table(head: string[], rows: string[][]): string[] {
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ]
}

function findingRows(rows: Row[], withHost: boolean): string[] {
  const head = [...(withHost ? ['host'] : []), 'severity', 'rule', 'finding', 'fix']
  return table(
    head,
    rows.map((r) => [
      ...(withHost ? [cell(r.host)] : []),
      r.result.severity,
      `${code(r.key)}${r.status === 'error' ? ' (check error)' : ''}`,
      cell(r.result.evidence.slice(0, 3).join('; ')),
      cell(r.result.remediation.split('\n')[0]),
    ]),
  )
}

function waivedRows(rows: Row[]): string[] {
  return table(
    ['rule', 'approver', 'expires', 'justification'],
    rows.map((r) => [
      code(r.key),
      cell(r.result.waived?.by ?? ''),
      r.result.waived?.expires ?? '',
      cell(r.result.waived?.reason ?? ''),
    ]),
  )
}

function rulesetLines(report: AuditReport): string[] {
  return table(
    ['ruleset', 'score', 'pass', 'fail', 'error', 'waived', 'not applicable'],
    report.rulesets.map((rs) => {
      const c = countStatuses(rs.rules)
      return [code(rs.id), rs.score.toFixed(1), c.pass, c.fail, c.error, c.waived, c.notApplicable].map(String)
    }),
  )
}

function footer(report: {llmsecVersion?: string; startedAt?: string; durationMs?: number}): string {
  return `<sub>llmsec ${report.llmsecVersion ?? ''} · ${report.startedAt ?? ''} · ${formatDuration(report.durationMs)}</sub>`
}

/** A compact Markdown summary for CI job summaries and pull requests. */
export function renderMarkdown(input: AuditReport | FleetReport): string {
  if ('kind' in input && input.kind === 'fleet') return renderFleetMarkdown(input)
  const report = input as AuditReport
  const rows = rowsOf(report)
  const failures = rows.filter((r) => r.status === 'fail' || r.status === 'error')
  const waived = rows.filter((r) => r.status === 'waived')
  const host = `host ${code(report.host ?? 'unknown')}`
  const os = report.os ?? report.inventory?.os
  const where = `${host}${os ? ` (${cell(os)})` : ''}${report.root ? `, root ${code(report.root)}` : ''}`
  const headline = report.headline ? ` · ${formatHeadline(report.headline)}` : ''
  const out = [`## llmsec audit: ${report.score.toFixed(1)}/100${headline}`, '', `Audit of ${where}.`, '']
  append(out, rulesetLines(report))
  if (failures.length)
    append(out, ['', `### Failures and errors (${failures.length})`, '', ...findingRows(failures, false)])
  else out.push('', 'No failures.')
  if (waived.length) append(out, ['', `### Waived (${waived.length})`, '', ...waivedRows(waived)])
  const notices = waiverNotices(report)
  if (notices.length)
    append(out, ['', '### Waivers to review', '', ...notices.map((n) => `- ${n.outcome.state}: ${cell(n.text)}`)])
  const inapplicable = rows.filter((r) => r.status === 'not-applicable')
  if (inapplicable.length) {
    out.push('', `<details><summary>Not applicable (${inapplicable.length})</summary>`, '')
    for (const r of inapplicable) out.push(`- ${code(r.key)}: ${cell(r.result.reason ?? r.result.evidence[0] ?? '')}`)
    out.push('', '</details>')
  }
  out.push('', footer(report), '')
  return out.join('\n')
}

function renderFleetMarkdown(fleet: FleetReport): string {
  const out = [`## llmsec fleet audit: ${fleet.score.toFixed(1)}/100 over ${fleet.hosts.length} hosts`, '']
  append(
    out,
    table(
      ['host', 'score', 'failed', 'waived', 'rulesets'],
      fleet.hosts.map(({host, summary: s}) => [
        cell(host),
        s.score.toFixed(1),
        String(s.counts.fail),
        String(s.counts.waived),
        s.rulesets.join(', '),
      ]),
    ),
  )
  // Each host's result is read once, for its failure lines only.
  const failures: string[] = []
  for (const h of fleet.hosts) {
    const rows = rowsOf(h.report, h.host).filter((r) => r.status === 'fail')
    append(failures, findingRows(rows, true).slice(2))
  }
  if (failures.length) append(out, ['', `### Failures (${failures.length})`, '', ...findingRows([], true)])
  append(out, failures)
  for (const h of fleet.hosts)
    for (const n of h.summary.notices) out.push(`- ${cell(h.host)}: ${n.state}: ${cell(n.text)}`)
  if (fleet.rejected.length)
    append(out, [
      '',
      `### Result files left out (${fleet.rejected.length})`,
      '',
      ...fleet.rejected.map((r) => `- ${code(r.file)}: ${cell(r.reason)}`),
    ])
  out.push('', `<sub>llmsec ${fleet.llmsecVersion ?? ''} · ${fleet.generatedAt}</sub>`, '')
  return out.join('\n')
}
