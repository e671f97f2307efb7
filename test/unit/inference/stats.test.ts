import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {summariseLevel, type RequestSample} from '../../../src/inference/bench.js'
import {
  meetsSlo,
  parseSlo,
  percentile,
  summarise,
  timePerOutputToken,
  wilsonInterval,
} from '../../../src/inference/stats.js'

const sample = (ttftMs: number, e2eMs: number, outputTokens: number, ok = true): RequestSample => ({
  ok,
  error: ok ? null : 'HTTP 500',
  ttftMs,
  itlMs: Array.from({length: Math.max(0, outputTokens - 1)}, () => (e2eMs - ttftMs) / (outputTokens - 1)),
  e2eMs,
  queueMs: 0,
  connectMs: 0,
  inputTokens: 10,
  outputTokens,
  chunks: outputTokens,
  text: '',
  tokenSource: 'usage',
})

describe('bench statistics', () => {
  it('interpolates percentiles like numpy', () => {
    const sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    expect(percentile(sorted, 50)).toBe(5.5)
    expect(percentile(sorted, 90)).toBeCloseTo(9.1)
    expect(percentile(sorted, 99)).toBeCloseTo(9.91)
    expect(percentile([], 50)).toBeNull()
  })

  it('summarises mean and percentiles, null without samples', () => {
    expect(summarise([10, 20, 30])).toEqual({mean: 20, p50: 20, p90: 28, p95: 29, p99: 29.8})
    expect(summarise([]).p50).toBeNull()
  })

  it('computes TPOT from e2e and TTFT, excluding the first token', () => {
    expect(timePerOutputToken(250, 50, 21)).toBe(10)
    expect(timePerOutputToken(250, 50, 1)).toBeNull()
  })

  it('counts goodput against every SLO objective', () => {
    const samples = [sample(50, 250, 21), sample(150, 350, 21), sample(50, 650, 21), sample(1, 1, 1, false)]
    const level = summariseLevel(
      samples,
      {concurrency: 4, rate: null, durationMs: 2000},
      {slo: {ttftMs: 100, tpotMs: 15}},
    )
    expect(level.completed).toBe(3)
    expect(level.failed).toBe(1)
    expect(level.goodRequests).toBe(1)
    expect(level.goodput).toBe(0.5)
    expect(level.requestsPerSec).toBe(1.5)
    expect(level.outputTokensPerSec).toBe(31.5)
    expect(level.errors).toEqual(['HTTP 500'])
    expect(level.failures).toEqual([{reason: 'HTTP 500', count: 1, example: 'HTTP 500'}])
    expect(summariseLevel(samples, {concurrency: 4, rate: null, durationMs: 2000}).goodput).toBeNull()
  })

  it('warns when --requests is less than twice the concurrency, not at twice', () => {
    const samples = [sample(50, 250, 21)]
    const facts = {concurrency: 8, rate: null, durationMs: 1000}
    expect(summariseLevel(samples, facts, {requests: 15}).warnings.join(' ')).toMatch(
      /less than twice the concurrency 8/,
    )
    expect(summariseLevel(samples, facts, {requests: 16}).warnings).toEqual([])
  })

  it('counts a level approximate when any request was, and names the least exact source', () => {
    const exact = sample(50, 250, 21)
    const rough = {...sample(50, 250, 21), tokenSource: 'approximate' as const}
    const facts = {concurrency: 2, rate: null, durationMs: 1000}
    expect(summariseLevel([exact, rough], facts).tokenCounts).toBe('approximate')
    expect(summariseLevel([exact, {...exact, tokenSource: 'tokenize'}], facts).tokenCounts).toBe('tokenize')
    expect(summariseLevel([exact], facts).tokenCounts).toBe('usage')
  })

  it('meets SLOs only with a TTFT', () => {
    expect(meetsSlo({ttftMs: null, tpotMs: 1, e2eMs: 1}, {ttftMs: 100})).toBe(false)
    expect(meetsSlo({ttftMs: 10, tpotMs: null, e2eMs: 1}, {tpotMs: 5})).toBe(true)
  })

  it('parses --slo and names a bad part', () => {
    expect(parseSlo('ttft=200,tpot=50')).toEqual({ttftMs: 200, tpotMs: 50})
    expect(parseSlo('e2e=1000ms')).toEqual({e2eMs: 1000})
    expect(parseSlo('ttft=fast')).toMatch(/"ttft=fast"/)
    expect(parseSlo('')).toMatch(/empty/)
  })
})

describe('wilsonInterval', () => {
  it('matches published values and stays inside [0, 1] around the observed rate', () => {
    const at = (k: number, n: number) => wilsonInterval(k, n)
    expect(at(0, 10).low).toBe(0)
    expect(at(0, 10).high).toBeCloseTo(0.2775, 4)
    expect(at(5, 10).low).toBeCloseTo(0.2366, 4)
    expect(at(5, 10).high).toBeCloseTo(0.7634, 4)
    expect(at(20, 20).high).toBe(1)
    expect(at(0, 0)).toEqual({low: 0, high: 1})
    fc.assert(
      fc.property(fc.integer({min: 1, max: 100_000}), fc.double({min: 0, max: 1, noNaN: true}), (n, share) => {
        const k = Math.round(share * n)
        const {low, high} = wilsonInterval(k, n)
        expect(low).toBeGreaterThanOrEqual(0)
        expect(high).toBeLessThanOrEqual(1)
        expect(low).toBeLessThanOrEqual(k / n + 1e-12)
        expect(high).toBeGreaterThanOrEqual(k / n - 1e-12)
        // More trials at the same rate never widen the interval.
        const wider = wilsonInterval(k, n)
        const more = wilsonInterval(k * 2, n * 2)
        expect(more.high - more.low).toBeLessThanOrEqual(wider.high - wider.low + 1e-12)
      }),
    )
  })
})
