import {createHash} from 'node:crypto'

import {formatBytes} from '../../core/format.js'
import {renderGauge, renderScoreBars, renderSeverityChart, renderSeverityCounts, familyBars} from './html-charts.js'
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
import type {AuditReport, HostInventory} from './report.types.js'
import type {FleetReport} from './fleet.types.js'
import {SEVERITIES} from '../../core/severity.js'

const MAX_EVIDENCE = 8

function pageHead(title: string): string {
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
`
}

const PAGE_TAIL = `
<script>${REPORT_JS}</script>
</body></html>
`

function page(title: string, body: string): string {
  return `${pageHead(title)}${body}${PAGE_TAIL}`
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

function tableRow(row: Row, withHost: boolean, hidden = false): string {
  const r = row.result
  return `<tr${hidden ? ' hidden' : ''} data-status="${row.status}" data-severity="${r.severity}" data-host="${h(row.host)}">
${withHost ? `<td>${h(row.host)}</td>` : ''}<td><span class="status status-${row.status}">${row.status}</span></td><td>${r.severity}</td>
<td><code>${h(row.key)}</code><br>${h(r.title)}${r.location ? `<br><code>${h(r.location)}</code>` : ''}</td>
<td>${evidenceCell(row)}</td><td><pre>${h(r.remediation)}</pre></td><td>${h(formatControls(r))}</td></tr>`
}

function options(values: string[], all: string): string {
  return [`<option value="">${all}</option>`, ...values.map((v) => `<option value="${h(v)}">${h(v)}</option>`)].join('')
}

function rulesFilters(hosts: string[]): string {
  const hostFilter = hosts.length
    ? `<label>Host <select id="filter-host">${options(hosts, 'all')}</select></label>`
    : ''
  return `<div class="filters"><label>Search <input id="filter-text" type="search" placeholder="rule, evidence, control…"></label>
<label>Status <select id="filter-status">${options(DISPLAY_STATUSES, 'all')}</select></label>
<label>Severity <select id="filter-severity">${options([...SEVERITIES], 'all')}</select></label>${hostFilter}
<span id="filter-count" aria-live="polite"></span></div>`
}

function rulesHead(withHost: boolean, pageSize?: number): string {
  return `<table id="rules"${pageSize ? ` data-page-size="${pageSize}"` : ''}><thead><tr>${withHost ? '<th>Host</th>' : ''}<th>Status</th><th>Severity</th><th>Rule</th><th>Evidence</th><th>Remediation</th><th>Controls</th></tr></thead>
<tbody>`
}

function rulesTable(rows: Row[]): string {
  return `${rulesFilters([])}
${rulesHead(false)}${rows.map((r) => tableRow(r, false)).join('\n')}</tbody></table>`
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
  if ('kind' in input && input.kind === 'fleet') return [...fleetHtmlChunks(input)].join('')
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

function rejectedSection(fleet: FleetReport): string {
  if (!fleet.rejected.length) return ''
  const items = fleet.rejected.map((r) => `<li><code>${h(r.file)}</code>: ${h(r.reason)}</li>`)
  return `<h2>Result files left out (${fleet.rejected.length})</h2><ul class="notice expired" id="rejected">${items.join('')}</ul>`
}

/** Rows a page of the fleet's tables shows; the script pages through the rest (without it, the first page shows). */
const FLEET_PAGE_SIZE = 50
/** Hosts drawn one bar each; a larger fleet's chart shows the lowest scores. */
const HOST_BARS = 50

function pager(id: string): string {
  return `<nav class="pager" id="${id}" aria-label="pages"></nav>`
}

function topFailuresSection(fleet: FleetReport): string {
  const top = fleet.tally.topFailures()
  if (!top.length) return '<h2>Top failures across the fleet</h2><p id="top-failures">No rule failed on any host.</p>'
  const n = fleet.hosts.length
  const rows = top.map(
    (t, i) =>
      `<tr${i >= FLEET_PAGE_SIZE ? ' hidden' : ''} data-severity="${t.severity}"><td><code>${h(t.ruleId)}</code><br>${h(t.title)}</td><td>${t.severity}</td><td data-failed="${t.failed}">${t.failed} of ${n}</td><td>${t.errors}</td><td>${h(t.example.host)}: ${h(t.example.evidence)}</td></tr>`,
  )
  return `<h2>Top failures across the fleet</h2><p class="meta">Rules by the number of hosts on which they failed (or could not be evaluated).</p>
<table id="top-failures" data-page-size="${FLEET_PAGE_SIZE}"><thead><tr><th>Rule</th><th>Severity</th><th>Hosts failing</th><th>Errors</th><th>Example</th></tr></thead><tbody>${rows.join('\n')}</tbody></table>${pager('top-failures-pages')}`
}

function hostsSection(fleet: FleetReport): string {
  const rows = fleet.hosts.map(
    ({host, file, summary: s}, i) =>
      `<tr${i >= FLEET_PAGE_SIZE ? ' hidden' : ''} data-host="${h(host)}"><td>${h(host)}</td><td>${s.score.toFixed(1)}</td><td>${s.counts.fail}</td><td>${s.counts.error}</td><td>${s.counts.waived}</td><td>${h(s.os ?? '')}</td><td>${h(s.startedAt ?? '')}</td><td><code>${h(file)}</code></td></tr>`,
  )
  return `<h2>Hosts</h2><div class="filters"><label>Search hosts <input id="hosts-text" type="search" placeholder="host, OS, file…"></label><span id="hosts-count" aria-live="polite"></span></div>
<table id="hosts" data-page-size="${FLEET_PAGE_SIZE}"><thead><tr><th>Host</th><th>Score</th><th>Failed</th><th>Errors</th><th>Waived</th><th>OS</th><th>Audited at</th><th>Result file</th></tr></thead><tbody>${rows.join('\n')}</tbody></table>${pager('hosts-pages')}`
}

function hostChart(fleet: FleetReport): string {
  const bars = fleet.hosts.map((hst) => ({label: hst.host, value: hst.summary.score, note: hst.file}))
  if (bars.length <= HOST_BARS) return renderScoreBars('host-chart', 'Score by host', bars)
  const lowest = bars.sort((a, b) => a.value - b.value).slice(0, HOST_BARS)
  return renderScoreBars('host-chart', `Lowest ${HOST_BARS} host scores of ${fleet.hosts.length}`, lowest)
}

/**
 * The fleet page, written a host at a time: what needs every host first (score, top failures
 * across the fleet, the hosts table, charts: all from the hosts' summaries), then each host's
 * failures, errors and waivers, reading each host's result once.
 */
function* fleetHtmlChunks(fleet: FleetReport): Generator<string> {
  const notices = fleet.hosts.flatMap((hst) =>
    hst.summary.notices.map((n) => `<div class="notice ${n.state}">${h(hst.host)}: ${h(n.text)}</div>`),
  )
  const title = `llmsec fleet audit of ${fleet.hosts.length} hosts`
  const severity = [...fleet.tally.severity.entries()].map(([sev, counts]) => ({severity: sev, counts}))
  yield pageHead(title)
  yield `<header><h1>${h(title)}</h1><p class="meta">llmsec ${h(fleet.llmsecVersion ?? '')} · generated <time id="started-at">${h(fleet.generatedAt)}</time></p></header>
<section class="summary"><div>${renderGauge(fleet.score, 'mean score of hosts')}</div>
<div>${hostChart(fleet)}</div></section>
${rejectedSection(fleet)}${topFailuresSection(fleet)}
${hostsSection(fleet)}
<h2>Results by control family and severity</h2><div class="charts">${renderScoreBars('family-chart', 'Score by control family (all hosts)', fleet.tally.familyBars())}${renderSeverityCounts(severity)}</div>
${notices.length ? `<h2>Waivers to review</h2>${notices.join('\n')}` : ''}
<h2>Failures, errors and waivers by host</h2>${rulesFilters(fleet.hosts.map((hst) => hst.host))}
${rulesHead(true, FLEET_PAGE_SIZE)}`
  let shown = 0
  for (const hst of fleet.hosts) {
    const rows = rowsOf(hst.report, hst.host).filter((r) => r.status !== 'pass' && r.status !== 'not-applicable')
    if (rows.length) yield `${rows.map((r) => tableRow(r, true, shown++ >= FLEET_PAGE_SIZE)).join('\n')}\n`
  }
  yield `</tbody></table>${pager('rules-pages')}`
  yield PAGE_TAIL
}

/** The HTML report in pieces: a fleet a host at a time, one audit whole. */
export function htmlChunks(input: AuditReport | FleetReport): Iterable<string> {
  if ('kind' in input && input.kind === 'fleet') return fleetHtmlChunks(input)
  return [renderHtml(input)]
}
