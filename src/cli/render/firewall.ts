import type {Explanation, Finding, FirewallReport} from '../../network/index.js'
import type {Style} from '../style.js'
import {renderPairs, renderTable} from '../table.js'
import {append} from '../../core/arrays.js'

function paintVerdict(style: Style, verdict: string | null): string {
  if (verdict === null) return style.dim('-')
  if (verdict === 'accept') return style.yellow(verdict)
  if (verdict === 'unknown') return style.magenta(verdict)
  return style.green(verdict)
}

function paintSeverity(style: Style, severity: Finding['severity']): string {
  const text = severity.toUpperCase()
  if (severity === 'critical' || severity === 'high') return style.red(text)
  if (severity === 'medium') return style.yellow(text)
  return style.dim(text)
}

function renderFinding(finding: Finding, style: Style): string {
  const lines = [`${paintSeverity(style, finding.severity)} ${style.bold(finding.id)} ${finding.title}`]
  for (const line of finding.evidence) lines.push(`    ${style.dim('evidence')} ${line}`)
  for (const line of finding.remediation) lines.push(`    ${style.dim('fix')}      ${line}`)
  return lines.join('\n')
}

/** The human report of `llmsec firewall`. */
export function renderFirewallReport(report: FirewallReport, style: Style): string {
  const backend = [report.backend, ...report.frontends.map((f) => `(${f})`)].join(' ')
  const policy = (p: FirewallReport['inbound']) =>
    `${paintVerdict(style, p.defaultPolicy)}  ${style.dim(`IPv4 ${p.ipv4.verdict}, IPv6 ${p.ipv6.verdict}`)}`
  const out = [
    renderPairs([
      ['back end', backend],
      ['inbound default', policy(report.inbound)],
      ['outbound default', policy(report.outbound)],
    ]),
    '',
  ]
  const shown = report.listeners.filter((l) => l.inference || !l.address.startsWith('127.'))
  if (shown.length > 0) {
    const rows = shown.map((l) => [
      `${l.address}:${l.port}`,
      l.protocol,
      l.process ? `${l.process} (${l.pid})` : '?',
      l.service ?? '',
      l.exposed === null ? style.magenta('unknown') : l.exposed ? style.red('yes') : 'no',
      paintVerdict(style, l.verdict),
    ])
    out.push(
      renderTable(rows, {head: ['listener', 'proto', 'process', 'service', 'exposed', 'verdict'], maxCellWidth: 40}),
      '',
    )
  }
  if (report.findings.length === 0) out.push(style.green('No findings.'))
  else
    append(
      out,
      report.findings.map((f) => renderFinding(f, style)),
    )
  return out.join('\n')
}

/** The human output of `llmsec firewall --explain`. */
export function renderExplanations(explanations: Explanation[], style: Style): string {
  return explanations
    .map((e) => {
      const p = e.packet
      const head = `${p.direction} ${p.protocol} ${p.remote}:${p.port}  →  ${paintVerdict(style, e.verdict)}`
      const step = (name: string, d: Explanation['request']) =>
        [name, `${d.verdict}${d.chain ? ` in ${d.table} ${d.chain}` : ''}${d.rule ? `: ${d.rule}` : ''}`] as [
          string,
          string,
        ]
      const pairs = [step('first packet', e.request), step('reply', e.reply)]
      if (e.nat) pairs.push(['translated', e.nat])
      const hooks = e.hooks.map((h) => `      ${h}`)
      return [head, renderPairs(pairs, 4), ...(hooks.length ? ['    path of the first packet:', ...hooks] : [])].join(
        '\n',
      )
    })
    .join('\n\n')
}
