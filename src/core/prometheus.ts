/**
 * The Prometheus text exposition format (version 0.0.4), as node_exporter's textfile collector
 * reads it. Every family is a gauge; names are checked, label values and help text escaped, so
 * no input (a rule id, a path) can add a line or a sample.
 */

export interface Sample {
  labels?: Record<string, string>
  value: number
}

export interface MetricFamily {
  name: string
  help: string
  samples: Sample[]
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/

function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`))
}

function escapeHelp(text: string): string {
  return text.replace(/[\\\n]/g, (c) => (c === '\n' ? '\\n' : '\\\\'))
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN'
  if (value === Infinity) return '+Inf'
  if (value === -Infinity) return '-Inf'
  return String(value)
}

function formatLabels(labels: Record<string, string> | undefined): string {
  const entries = Object.entries(labels ?? {})
  if (!entries.length) return ''
  for (const [name] of entries)
    if (!LABEL_NAME.test(name) || name.startsWith('__')) throw new Error(`invalid label name ${name}`)
  return `{${entries.map(([name, value]) => `${name}="${escapeLabelValue(value)}"`).join(',')}}`
}

/**
 * Renders metric families (gauges). Samples with the same labels are kept once (the first), since
 * a repeated series makes the collector drop the whole file. A family without samples is omitted.
 */
export function renderExposition(families: MetricFamily[]): string {
  const out: string[] = []
  for (const family of families) {
    if (!METRIC_NAME.test(family.name)) throw new Error(`invalid metric name ${family.name}`)
    if (!family.samples.length) continue
    out.push(`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} gauge`)
    const seen = new Set<string>()
    for (const sample of family.samples) {
      const labels = formatLabels(sample.labels)
      if (seen.has(labels)) continue
      seen.add(labels)
      out.push(`${family.name}${labels} ${formatValue(sample.value)}`)
    }
  }
  return out.length ? `${out.join('\n')}\n` : ''
}

/**
 * The two families every llmsec command's metrics carry, labelled with the command so that the
 * audit, vulns and scan files can sit in one textfile directory without colliding.
 */
export function runMetrics(
  command: string,
  finishedAt: Date,
  durationMs: number,
  extra: Record<string, string> = {},
): MetricFamily[] {
  const labels = {...extra, command}
  return [
    {
      name: 'llmsec_last_run_timestamp_seconds',
      help: 'When this llmsec run finished (Unix time).',
      samples: [{labels, value: Math.floor(finishedAt.getTime() / 1000)}],
    },
    {
      name: 'llmsec_run_duration_seconds',
      help: 'How long this llmsec run took.',
      samples: [{labels, value: Math.round(durationMs) / 1000}],
    },
  ]
}
