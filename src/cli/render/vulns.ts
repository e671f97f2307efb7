import {SEVERITIES} from '../../core/severity.js'
import type {DbInfo, VulnFinding, VulnReport} from '../../vulns/index.js'
import type {Style} from '../style.js'
import {renderTable} from '../table.js'

/** Where a finding lives: its environment or file, then the services that use it and where they listen. */
function where(finding: VulnFinding): string {
  const place = finding.environment ?? finding.location
  const services = finding.services.map((s) =>
    s.listening.length ? `${s.name} (listening on ${s.listening.join(', ')})` : s.name,
  )
  return services.length ? `${place}, used by ${services.join(', ')}` : place
}

function firstService(finding: VulnFinding): string {
  return finding.services[0]?.name ?? '~'
}

function rows(findings: VulnFinding[]): string[][] {
  const sorted = [...findings].sort(
    (a, b) => firstService(a).localeCompare(firstService(b)) || a.package.localeCompare(b.package),
  )
  return sorted.map((f) => [f.package, f.installed, f.fixedIn ?? 'no fix', f.ids.join(' ') || f.kind, where(f)])
}

/** The human report of `llmsec vulns`: one table per severity (rows grouped by service), then notes and a summary. */
export function renderVulnReport(report: VulnReport, style: Style): string {
  const out: string[] = []
  const open = report.findings.filter((f) => !f.ignored)
  for (const severity of SEVERITIES) {
    const group = open.filter((f) => f.severity === severity)
    if (!group.length) continue
    out.push(style.bold(`${severity.toUpperCase()} (${group.length})`))
    out.push(
      renderTable(rows(group), {
        head: ['PACKAGE', 'INSTALLED', 'FIXED IN', 'ADVISORIES', 'WHERE'],
        indent: 2,
        maxCellWidth: 90,
      }),
      '',
    )
  }
  const ignored = report.findings.filter((f) => f.ignored)
  for (const f of ignored)
    out.push(`ignored (${f.ignored!.by}): ${f.package} ${f.installed} ${f.ids.join(' ')}: ${f.ignored!.reason}`)
  for (const note of report.notes) out.push(style.yellow(`note [${note.code}] ${note.message}`))
  const inv = report.inventory
  out.push(
    `${inv.dpkgPackages} dpkg packages, ${inv.rpmPackages ? `${inv.rpmPackages} rpm packages, ` : ''}${inv.pythonPackages} Python packages in ${inv.environments.length} environments, ` +
      `${inv.binaries} products checked against ${report.db.records} advisories in ${report.summary.durationMs} ms: ` +
      `${report.summary.findings} vulnerable${report.summary.ignored ? `, ${report.summary.ignored} ignored` : ''}`,
  )
  return out.join('\n')
}

/** `llmsec vulns db info`: each loaded source, its record count and age. */
export function renderDbInfo(info: DbInfo, style: Style): string {
  const table = renderTable(
    info.sources.map((s) => [
      s.source,
      String(s.records),
      s.newestModified ?? '-',
      s.ageDays === null ? '-' : `${s.ageDays} days`,
    ]),
    {head: ['SOURCE', 'RECORDS', 'NEWEST', 'AGE'], maxCellWidth: 80},
  )
  const ecosystems = Object.entries(info.ecosystems)
    .map(([e, n]) => `${e} ${n}`)
    .join(', ')
  const notes = info.notes.map((n) => style.yellow(`note [${n.code}] ${n.message}`))
  return [table, `affected packages by ecosystem: ${ecosystems || 'none'}`, ...notes].join('\n')
}
