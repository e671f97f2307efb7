import type {BenchResult, MetricSummary} from '../../inference/index.js'
import type {Style} from '../style.js'
import {renderTable} from '../table.js'

const ms = (value: number | null) => (value === null ? '-' : value < 10 ? value.toFixed(2) : value.toFixed(1))
const pair = (m: MetricSummary) => `${ms(m.p50)} / ${ms(m.p99)}`

/** The bench result as text: one row per level, medians and p99 in milliseconds. */
export function renderBench(result: BenchResult, style: Style): string {
  const server = result.server.version ? `${result.server.kind} ${result.server.version}` : result.server.kind
  const lines = [
    `${style.bold(result.target.location)}  (${server}${result.target.model ? `, model ${result.target.model}` : ''})`,
  ]
  const withGoodput = result.options.slo !== null
  const head = ['level', 'ok', 'failed', 'TTFT p50/p99', 'ITL p50/p99', 'TPOT p50/p99', 'e2e p50/p99', 'tok/s', 'req/s']
  if (withGoodput) head.push('goodput')
  const rows = result.levels.map((l) => {
    const row = [
      l.rate === null ? `c=${l.concurrency}` : `${l.rate}/s`,
      String(l.completed),
      l.failed > 0 ? style.red(String(l.failed)) : '0',
      pair(l.ttftMs),
      pair(l.itlMs),
      pair(l.tpotMs),
      pair(l.e2eMs),
      `${l.outputTokensPerSec.toFixed(1)}${l.tokenCounts === 'approximate' ? '~' : ''}`,
      l.requestsPerSec.toFixed(2),
    ]
    if (withGoodput) row.push(l.goodput === null ? '-' : `${l.goodput.toFixed(2)} req/s`)
    return row
  })
  lines.push(renderTable(rows, {head}), style.dim('times in ms; ~ = token counts approximate (counted chunks)'))
  if (result.gguf) {
    const g = result.gguf
    lines.push(
      `pp ${g.ppTokensPerSec} tokens/s, tg ${g.tgTokensPerSec} tokens/s (${g.threads} threads, ${g.gpu || 'cpu'}, load ${g.loadAvg.join(' ')})`,
    )
  }
  for (const level of result.levels) for (const error of level.errors) lines.push(style.yellow(`error: ${error}`))
  return lines.join('\n')
}
