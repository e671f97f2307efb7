import {createHash} from 'node:crypto'

import {formatBytes} from '../../core/format.js'
import {renderGauge, renderScoreBars, renderSeverityChart, familyBars} from './html-charts.js'
import {REPORT_CSS, REPORT_JS} from './html-assets.js'
import {
  countDisplay,
  DISPLAY_STATUSES,
  escapeXml as h,
  formatControls,
  formatDuration,
  formatHeadline,
  rowsOf,
  waiverNotices,
  type Row,
} from './model.js'
import type {AuditReport, FleetReport, HostInventory} from './report.types.js'
import {SEVERITIES} from '../../core/severity.js'

const MAX_EVIDENCE = 8

function page(title: string, body: string): string {
  // The CSP forbids every fetch and allows only this exact inline script: the file works offline
  // and evidence text from the audited host can never run as code.
  const scriptHash = createHash('sha256').update(REPORT_JS).digest('base64')
  const csp = `default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-${scriptHash}'; base-uri 'none'; form-action 'none'`
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(title)}</title><style>${REPORT_CSS}</style></head>
<body>
${body}
<script>${REPORT_JS}</script>
</body></html>
`
}

function evidenceCell(row: Row): string {
  const lines = row.result.evidence
  const items = lines.slice(0, MAX_EVIDENCE).map((e) => `<li>${h(e)}</li>`)
  if (lines.length > MAX_EVIDENCE) items.push(`<li>… ${lines.length - MAX_EVIDENCE} more</li>`)
  const waived = row.result.waived
    ? `<li>waived until ${h(waived_(row).expires)} by ${h(waived_(row).by)}: ${h(row.result.waived.reason)}</li>`
    : ''
  return `<ul>${items.join('')}${waived}</ul>`
}

function waived_(row: Row): {expires: string; by: string} {
  return {expires: row.result.waived?.expires ?? '?', by: row.result.waived?.by ?? '?'}
}

function tableRow(row: Row, withHost: boolean): string {
  const r = row.result
  return `<tr data-status="${row.status}" data-severity="${r.severity}" data-host="${h(row.host)}">
${withHost ? `<td>${h(row.host)}</td>` : ''}<td><span class="status status-${row.status}">${row.status}</span></td><td>${r.severity}</td>
<td><code>${h(row.key)}</code><br>${h(r.title)}${r.location ? `<br><code>${h(r.location)}</code>` : ''}</td>
<td>${evidenceCell(row)}</td><td><pre>${h(r.remediation)}</pre></td><td>${h(formatControls(r))}</td></tr>`
}

function options(values: string[], all: string): string {
  return [`<option value="">${all}</option>`, ...values.map((v) => `<option value="${h(v)}">${h(v)}</option>`)].join('')
}

function rulesTable(rows: Row[], hosts: string[] = []): string {
  const withHost = hosts.length > 0
  const hostFilter = withHost ? `<label>Host <select id="filter-host">${options(hosts, 'all')}</select></label>` : ''
  return `<div class="filters"><label>Search <input id="filter-text" type="search" placeholder="rule, evidence, control…"></label>
<label>Status <select id="filter-status">${options(DISPLAY_STATUSES, 'all')}</select></label>
<label>Severity <select id="filter-severity">${options([...SEVERITIES], 'all')}</select></label>${hostFilter}
<span id="filter-count" aria-live="polite"></span></div>
<table id="rules"><thead><tr>${withHost ? '<th>Host</th>' : ''}<th>Status</th><th>Severity</th><th>Rule</th><th>Evidence</th><th>Remediation</th><th>Controls</th></tr></thead>
<tbody>${rows.map((r) => tableRow(r, withHost)).join('\n')}</tbody></table>`
}

function inventorySection(inv: HostInventory | undefined, report: AuditReport): string {
  const items: [string, string][] = [
    ['Host', report.host ?? 'unknown'],
    ['Audited', report.root ? `root filesystem ${report.root}` : 'the running host'],
  ]
  if (inv) {
    items.push(['Operating system', inv.os ?? 'unknown'])
    items.push(['GPUs', inv.gpus.length ? inv.gpus.join(', ') : (inv.gpuNote ?? 'none found')])
    items.push([
      'Inference runtimes',
      inv.runtimes.length
        ? inv.runtimes.map((r) => `${r.runtime} (${r.location}${r.user ? `, user ${r.user}` : ''})`).join('; ')
        : 'none found',
    ])
    items.push(['Model directories', inv.modelDirs.length ? inv.modelDirs.join(', ') : 'none found'])
    items.push(['Model files', `${inv.modelFiles} (${formatBytes(inv.modelBytes)})`])
  }
  return `<h2>Host inventory</h2><dl class="inventory" id="inventory">${items.map(([k, v]) => `<dt>${h(k)}</dt><dd>${h(v)}</dd>`).join('')}</dl>`
}

function waiversSection(report: AuditReport): string {
  const notices = waiverNotices(report)
  if (!report.waivers?.outcomes.length) return ''
  const active = report.waivers.outcomes.filter((o) => o.state === 'active')
  return `<h2>Waivers</h2><p>${active.length} active of ${report.waivers.outcomes.length} in <code>${h(report.waivers.file ?? '')}</code> (judged on ${h(report.waivers.today)}).</p>
${notices.map((n) => `<div class="notice ${n.outcome.state}" data-waiver-state="${n.outcome.state}">${h(n.text)}</div>`).join('\n')}`
}

function metaLine(report: {llmsecVersion?: string; startedAt?: string; durationMs?: number}): string {
  return `llmsec ${h(report.llmsecVersion ?? '')} · started <time id="started-at">${h(report.startedAt ?? '')}</time>${report.durationMs === undefined ? '' : ` · ${formatDuration(report.durationMs)}`}`
}

/** One self-contained HTML file: gauge, charts, filterable rules table, inventory; printable. */
export function renderHtml(input: AuditReport | FleetReport): string {
  if ('kind' in input && input.kind === 'fleet') return renderFleetHtml(input)
  const report = input as AuditReport
  const rows = rowsOf(report)
  const c = countDisplay(rows)
  const title = `llmsec audit of ${report.host ?? 'host'}`
  const rulesetBars = renderScoreBars(
    'ruleset-chart',
    'Score by ruleset',
    report.rulesets.map((rs) => ({label: rs.id, value: rs.score, note: rs.title ?? rs.id})),
  )
  const body = `<header><h1>${h(title)}</h1><p class="meta">${metaLine(report)}</p></header>
<section class="summary"><div>${renderGauge(report.score, 'overall score')}</div>
<div>${report.headline ? `<p id="headline">${h(formatHeadline(report.headline))}</p>` : ''}<p id="counts">${c.pass} passed · ${c.fail} failed · ${c.error} errors · ${c.waived} waived · ${c['not-applicable']} not applicable</p>${rulesetBars}</div></section>
<h2>Results by control family and severity</h2><div class="charts">${renderScoreBars('family-chart', 'Score by control family', familyBars(rows))}${renderSeverityChart(rows)}</div>
${waiversSection(report)}
<h2>Rules</h2>${rulesTable(rows)}
${inventorySection(report.inventory, report)}`
  return page(title, body)
}

function renderFleetHtml(fleet: FleetReport): string {
  const rows = fleet.hosts.flatMap((hst) => rowsOf(hst.report, hst.host))
  const problems = rows.filter((r) => r.status !== 'pass' && r.status !== 'not-applicable')
  const hostRows = fleet.hosts.map((hst) => {
    const c = countDisplay(rowsOf(hst.report, hst.host))
    return `<tr data-host="${h(hst.host)}"><td>${h(hst.host)}</td><td>${hst.report.score.toFixed(1)}</td><td>${c.fail}</td><td>${c.error}</td><td>${c.waived}</td><td>${h(hst.report.inventory?.os ?? '')}</td><td>${h(hst.report.startedAt ?? '')}</td><td><code>${h(hst.file)}</code></td></tr>`
  })
  const notices = fleet.hosts.flatMap((hst) =>
    waiverNotices(hst.report).map((n) => `<div class="notice ${n.outcome.state}">${h(hst.host)}: ${h(n.text)}</div>`),
  )
  const title = `llmsec fleet audit of ${fleet.hosts.length} hosts`
  const body = `<header><h1>${h(title)}</h1><p class="meta">llmsec ${h(fleet.llmsecVersion ?? '')} · generated <time id="started-at">${h(fleet.generatedAt)}</time></p></header>
<section class="summary"><div>${renderGauge(fleet.score, 'mean score of hosts')}</div>
<div>${renderScoreBars(
    'host-chart',
    'Score by host',
    fleet.hosts.map((hst) => ({label: hst.host, value: hst.report.score, note: hst.file})),
  )}</div></section>
<h2>Hosts</h2><table id="hosts"><thead><tr><th>Host</th><th>Score</th><th>Failed</th><th>Errors</th><th>Waived</th><th>OS</th><th>Audited at</th><th>Result file</th></tr></thead><tbody>${hostRows.join('\n')}</tbody></table>
<h2>Results by control family and severity</h2><div class="charts">${renderScoreBars('family-chart', 'Score by control family (all hosts)', familyBars(rows))}${renderSeverityChart(rows)}</div>
${notices.length ? `<h2>Waivers to review</h2>${notices.join('\n')}` : ''}
<h2>Failures, errors and waivers by host</h2>${rulesTable(
    problems,
    fleet.hosts.map((hst) => hst.host),
  )}`
  return page(title, body)
}
