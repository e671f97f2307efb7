import {FleetTally} from './fleet-summary.js'
import type {Severity} from '../audit.types.js'
import {countBySeverity, escapeXml as x, type DisplayCounts, type DisplayStatus, type Row} from './model.js'
import {maxOf} from '../../core/arrays.js'

/** Colours shared by the charts and the table (also readable in greyscale print). */
const STATUS_COLOURS: Record<DisplayStatus, string> = {
  fail: '#c62828',
  error: '#6a1b9a',
  waived: '#1565c0',
  pass: '#2e7d32',
  'not-applicable': '#9e9e9e',
}

function scoreColour(score: number | null): string {
  if (score === null) return '#9e9e9e'
  return score >= 90 ? '#2e7d32' : score >= 60 ? '#ef8f00' : '#c62828'
}

/** A half-circle gauge of a 0–100 score. */
export function renderGauge(score: number, label: string): string {
  const clamped = Math.max(0, Math.min(100, score))
  const angle = Math.PI * (1 - clamped / 100)
  const [cx, cy, r] = [100, 100, 80]
  const end = `${(cx + r * Math.cos(angle)).toFixed(2)} ${(cy - r * Math.sin(angle)).toFixed(2)}`
  const arc =
    clamped > 0
      ? `<path d="M 20 100 A 80 80 0 0 1 ${end}" stroke="${scoreColour(score)}" stroke-width="18" fill="none" stroke-linecap="butt"/>`
      : ''
  return `<svg id="score-gauge" class="chart gauge" viewBox="0 0 200 120" role="img" aria-label="${x(label)}: ${score.toFixed(1)} of 100" data-score="${score.toFixed(1)}">
<path d="M 20 100 A 80 80 0 0 1 180 100" stroke="#e0e0e0" stroke-width="18" fill="none"/>${arc}
<text x="100" y="92" text-anchor="middle" class="gauge-value">${score.toFixed(1)}</text>
<text x="100" y="114" text-anchor="middle" class="gauge-label">${x(label)}</text></svg>`
}

interface Bar {
  label: string
  value: number | null
  note: string
}

/** Horizontal bars of 0–100 values (one per label); null values are drawn as "n/a". */
export function renderScoreBars(id: string, title: string, bars: Bar[]): string {
  const rowHeight = 22
  const height = Math.max(1, bars.length) * rowHeight + 8
  const items = bars.map((bar, i) => {
    const y = i * rowHeight + 4
    const width = bar.value === null ? 0 : (bar.value / 100) * 300
    return `<g class="bar" data-label="${x(bar.label)}"><title>${x(`${bar.label}: ${bar.value === null ? 'n/a' : bar.value.toFixed(1)} (${bar.note})`)}</title>
<text x="0" y="${y + 14}" class="bar-label">${x(bar.label.length > 28 ? `${bar.label.slice(0, 27)}…` : bar.label)}</text>
<rect x="190" y="${y}" width="300" height="16" fill="#eeeeee"/><rect x="190" y="${y}" width="${width.toFixed(1)}" height="16" fill="${scoreColour(bar.value)}"/>
<text x="496" y="${y + 13}" class="bar-value">${bar.value === null ? 'n/a' : bar.value.toFixed(0)}</text></g>`
  })
  return `<figure class="chart-box"><figcaption>${x(title)}</figcaption><svg id="${id}" class="chart bars" viewBox="0 0 530 ${height}" role="img" aria-label="${x(title)}">${items.join('')}</svg></figure>`
}

/** Score per control family over all results (waived results do not count, as in the score). */
export function familyBars(rows: Row[]): Bar[] {
  const tally = new FleetTally()
  tally.add(rows)
  return tally.familyBars()
}

const STACK_ORDER: DisplayStatus[] = ['fail', 'error', 'waived', 'pass', 'not-applicable']

/** Stacked bars: results per severity by status. */
export function renderSeverityChart(rows: Row[]): string {
  return renderSeverityCounts(countBySeverity(rows))
}

/** The severity chart from counts (a fleet's are added up host by host). */
export function renderSeverityCounts(data: {severity: Severity; counts: DisplayCounts}[]): string {
  const max = maxOf(
    data.map((d) => STACK_ORDER.reduce((n, s) => n + d.counts[s], 0)),
    1,
  )
  const rowHeight = 24
  const bars = data.map(({severity, counts}, i) => {
    const y = i * rowHeight + 4
    let xPos = 80
    const segments = STACK_ORDER.filter((s) => counts[s] > 0).map((status) => {
      const width = (counts[status] / max) * 380
      const rect = `<rect x="${xPos.toFixed(1)}" y="${y}" width="${width.toFixed(1)}" height="18" fill="${STATUS_COLOURS[status]}" data-status="${status}"><title>${severity} ${status}: ${counts[status]}</title></rect>`
      xPos += width
      return rect
    })
    return `<g class="bar" data-severity="${severity as Severity}"><text x="0" y="${y + 14}" class="bar-label">${severity}</text>${segments.join('')}</g>`
  })
  const legend = STACK_ORDER.map(
    (s, i) =>
      `<rect x="${80 + i * 75}" y="${data.length * rowHeight + 10}" width="10" height="10" fill="${STATUS_COLOURS[s]}"/><text x="${94 + i * 75}" y="${data.length * rowHeight + 19}" class="legend">${s}</text>`,
  )
  return `<figure class="chart-box"><figcaption>Results by severity</figcaption><svg id="severity-chart" class="chart bars" viewBox="0 0 530 ${data.length * rowHeight + 28}" role="img" aria-label="Results by severity">${bars.join('')}${legend.join('')}</svg></figure>`
}
