import type {BenchLevel, BenchResult, MetricSummary} from '../../inference/index.js'
import type {Style} from '../style.js'
import {renderTable} from '../table.js'
import {append} from '../../core/arrays.js'

const ms = (value: number | null) => (value === null ? '-' : value < 10 ? value.toFixed(2) : value.toFixed(1))
const pair = (m: MetricSummary) => `${ms(m.p50)} / ${ms(m.p99)}`

function levelName(l: BenchLevel): string {
  if (l.concurrency !== null) return `c=${l.concurrency}`
  const rate = l.rate === null ? 'inf' : `${l.rate}/s`
  const shape = l.burstiness !== null && l.burstiness !== 1 ? ` b=${l.burstiness}` : ''
  return `${rate}${shape}${l.maxConcurrency ? ` ≤${l.maxConcurrency}` : ''}`
}

function levelRow(l: BenchLevel, style: Style, withGoodput: boolean): string[] {
  // Without a tokenizer's count, TPOT and tokens/s are estimates: marked, never printed as exact.
  const approx = l.tokenCounts === 'approximate' ? '~' : ''
  const row = [
    levelName(l),
    String(l.completed),
    l.failed > 0 ? style.red(String(l.failed)) : '0',
    pair(l.ttftMs),
    pair(l.itlMs),
    `${approx}${pair(l.tpotMs)}`,
    pair(l.e2eMs),
    `${approx}${l.outputTokensPerSec.toFixed(1)}`,
    l.requestsPerSec.toFixed(2),
  ]
  if (withGoodput) row.push(l.goodput === null ? '-' : `${l.goodput.toFixed(2)} req/s`)
  return row
}

function levelNotes(l: BenchLevel, style: Style): string[] {
  const lines: string[] = []
  const name = levelName(l)
  for (const f of l.failures) lines.push(style.yellow(`${name} failed ${f.count}×: ${f.example}`))
  if (l.arrivals) {
    const rate = l.arrivals.realisedRatePerSec === null ? '-' : `${l.arrivals.realisedRatePerSec.toFixed(2)}/s`
    lines.push(
      style.dim(
        `${name} arrivals: ${l.arrivals.scheduled} scheduled, realised ${rate}, lateness p99 ${ms(l.arrivals.latenessMs.p99)} ms, queue p99 ${ms(l.queueMs.p99)} ms`,
      ),
    )
  }
  for (const w of l.warnings) lines.push(style.yellow(`${name} warning: ${w}`))
  return lines
}

/** The bench result as text: one row per level, medians and p99 in milliseconds. */
export function renderBench(result: BenchResult, style: Style): string {
  const server = result.server.version ? `${result.server.kind} ${result.server.version}` : result.server.kind
  const lines = [
    `${style.bold(result.target.location)}  (${server}${result.target.model ? `, model ${result.target.model}` : ''})`,
  ]
  const withGoodput = result.options.slo !== null
  const head = ['level', 'ok', 'failed', 'TTFT p50/p99', 'ITL p50/p99', 'TPOT p50/p99', 'e2e p50/p99', 'tok/s', 'req/s']
  if (withGoodput) head.push('goodput')
  lines.push(
    renderTable(
      result.levels.map((l) => levelRow(l, style, withGoodput)),
      {head},
    ),
  )
  const sources = [...new Set(result.levels.map((l) => l.tokenCounts))].join(', ')
  lines.push(style.dim(`times in ms; tokens counted by: ${sources}; ~ = approximate (no usage block, no tokenizer)`))
  if (result.gguf) {
    const g = result.gguf
    lines.push(
      `pp ${g.ppTokensPerSec} tokens/s, tg ${g.tgTokensPerSec} tokens/s (${g.threads} threads, ${g.gpu || 'cpu'}, load ${g.loadAvg.join(' ')})`,
    )
    if (g.llamaCpp) {
      lines.push(
        `llama.cpp's own counters: pp ${g.llamaCpp.ppTokensPerSec} tokens/s, tg ${g.llamaCpp.tgTokensPerSec} tokens/s`,
      )
    }
  }
  for (const level of result.levels) append(lines, levelNotes(level, style))
  return lines.join('\n')
}
