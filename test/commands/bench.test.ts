import {mkdtemp, readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {BenchResult} from '../../src/inference/index.js'
import {runCli, runCliJson} from '../helpers/cli.js'
import {skipReason} from '../helpers/env.js'
import {hasStoriesModel, storiesModel} from '../helpers/models.js'
import {startScriptedServer, type ScriptedServer} from '../helpers/scripted-server.js'
import {schemaErrors} from '../helpers/validate-json.js'

const TTFT = 60
const ITL = 12
const TOKENS = 12

/**
 * Within `share` or `floorMs`. Against the configured timings the tolerance is loose, since the
 * server's own timers run late on a loaded 2-core host; against the times the server really
 * wrote each chunk it is tight. bench/inference-client.ts measures the precision on a quiet host.
 */
function near(measured: number | null, expected: number, share: number, floorMs: number, what: string): void {
  expect(measured, what).not.toBeNull()
  const message = `${what}: measured ${measured}, expected ${expected.toFixed(2)}`
  expect(Math.abs((measured ?? 0) - expected), message).toBeLessThanOrEqual(Math.max(share * expected, floorMs))
}

const streamed = (server: ScriptedServer) => server.requests.filter((r) => r.chunkOffsetsMs).length

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** The server's real TTFT and ITL medians over streamed requests `from` to `to` (in arrival order). */
function serverTimings(server: ScriptedServer, from: number, to?: number): {ttft: number; itl: number} {
  const offsets = server.requests.flatMap((r) => (r.chunkOffsetsMs ? [r.chunkOffsetsMs] : [])).slice(from, to)
  return {
    ttft: median(offsets.map((o) => o[0])),
    itl: median(offsets.flatMap((o) => o.slice(1).map((at, i) => at - o[i]))),
  }
}

describe('llmsec bench', () => {
  let server: ScriptedServer
  let dir: string
  beforeAll(async () => {
    server = await startScriptedServer({
      kind: 'vllm',
      version: '0.11.0',
      ttftMs: TTFT,
      itlMs: ITL,
      outputTokens: TOKENS,
    })
    dir = await mkdtemp(join(tmpdir(), 'llmsec-bench-'))
  })
  afterAll(async () => {
    await server?.close()
    await rm(dir, {recursive: true, force: true})
  })

  // Timing on a shared 2-core host is noisy: a starved run is retried before it counts as a failure.
  it(
    "matches the scripted server's TTFT, ITL and goodput, closed loop, and writes a valid --output",
    {retry: 2},
    async () => {
      const from = streamed(server)
      const output = join(dir, 'result.json')
      const slo = `ttft=${TTFT + 1000},tpot=${ITL + 200}`
      const run = await runCliJson<BenchResult>(
        [
          'bench',
          '--endpoint',
          server.url,
          '--concurrency',
          '1,8',
          '--requests',
          '16',
          '--input-tokens',
          '32',
          '--output-tokens',
          '64',
          '--slo',
          slo,
          '--output',
          output,
        ],
        {timeoutMs: 120_000},
      )
      expect(run.exitCode).toBe(0)
      expect(schemaErrors('bench', run.json)).toBeNull()
      const written = JSON.parse(await readFile(output, 'utf8')) as BenchResult
      expect(schemaErrors('bench', written)).toBeNull()
      expect(written.levels.map((l) => l.concurrency)).toEqual([1, 8])
      for (const [index, level] of run.json.levels.entries()) {
        expect(level.completed).toBe(16)
        expect(level.failed).toBe(0)
        expect(level.tokenCounts).toBe('usage')
        expect(level.outputTokens).toBe(16 * TOKENS)
        // Against what the server really did in this level: tighter (the client process may still wait for a core).
        const real = serverTimings(server, from + 16 * index, from + 16 * (index + 1))
        near(level.ttftMs.p50, real.ttft, 0.4, 20, `c=${level.concurrency} TTFT vs server`)
        near(level.itlMs.p50, real.itl, 0.4, 5, `c=${level.concurrency} ITL vs server`)
        // Against its configured timings: loose (its timers run late under load).
        near(level.ttftMs.p50, TTFT, 1, 25, `c=${level.concurrency} TTFT`)
        near(level.itlMs.p50, ITL, 1, 20, `c=${level.concurrency} ITL`)
        near(level.tpotMs.p50, ITL, 1, 20, `c=${level.concurrency} TPOT`)
        near(level.e2eMs.p50, TTFT + (TOKENS - 1) * ITL, 1, 25, `c=${level.concurrency} e2e`)
        // Every request meets a generous SLO, so goodput equals throughput.
        expect(level.goodRequests).toBe(16)
        expect(level.goodput).toBe(level.requestsPerSec)
      }
      const sequential = run.json.levels[0]
      near(sequential.requestsPerSec, 1000 / (TTFT + (TOKENS - 1) * ITL), 0.5, 0, 'c=1 requests/s')
    },
  )

  it(
    'counts no goodput when the SLO is tighter than the server, open loop with Poisson arrivals',
    {retry: 2},
    async () => {
      const from = streamed(server)
      const run = await runCliJson<BenchResult>(
        [
          'bench',
          '--endpoint',
          server.url,
          '--rate',
          '20',
          '--requests',
          '10',
          '--duration',
          '20s',
          '--slo',
          `ttft=${TTFT / 3}`,
        ],
        {timeoutMs: 120_000},
      )
      expect(schemaErrors('bench', run.json)).toBeNull()
      const [level] = run.json.levels
      expect(level).toMatchObject({concurrency: null, rate: 20, completed: 10, goodRequests: 0, goodput: 0})
      near(level.ttftMs.p50, serverTimings(server, from).ttft, 0.4, 20, 'open loop TTFT vs server')
      near(level.ttftMs.p50, TTFT, 1, 25, 'open loop TTFT')
    },
  )

  it('is bounded by --duration', async () => {
    const started = Date.now()
    const run = await runCliJson<BenchResult>([
      'bench',
      '--endpoint',
      server.url,
      '--requests',
      '100000',
      '--duration',
      '1s',
    ])
    expect(run.json.levels[0].completed).toBeLessThan(20)
    expect(Date.now() - started).toBeLessThan(30_000)
  })

  it('rejects bad flags with one line and exit 2', async () => {
    for (const args of [
      ['--endpoint', server.url, '--concurrency', '1', '--rate', '2'],
      ['--endpoint', server.url, '--concurrency', '0,x'],
      ['--endpoint', server.url, '--slo', 'ttft=fast'],
      [],
    ]) {
      const run = await runCli(['bench', ...args])
      expect(run.exitCode, args.join(' ')).toBe(2)
      expect(run.stderr.trim().split('\n')[0]).toMatch(/^llmsec: /)
    }
  })

  it('exits 2 with one line when the endpoint is dead, as smoke does', async () => {
    const closed = await startScriptedServer({kind: 'vllm'})
    await closed.close()
    const run = await runCli(['bench', '--endpoint', closed.url, '--requests', '2'])
    expect(run.exitCode).toBe(2)
    expect(run.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^llmsec: Cannot reach http:\/\/127\.0\.0\.1:\d+\/v1\/models: ECONNREFUSED/),
      expect.stringMatching(/hint: Check the --endpoint URL/),
    ])
    const json = await runCliJson(['bench', '--endpoint', closed.url, '--requests', '2'])
    expect(json.json).toMatchObject({error: {code: 'ENDPOINT_UNREACHABLE', exit: 2}})
  })

  it.skipIf(skipReason(!hasStoriesModel, `${storiesModel} is absent`))(
    'measures pp and tg tokens/s in-process on the real GGUF',
    async () => {
      const run = await runCliJson<BenchResult>(
        [
          'bench',
          '--gguf',
          storiesModel,
          '--threads',
          '1',
          '--gpu',
          'cpu',
          '--requests',
          '3',
          '--input-tokens',
          '32',
          '--output-tokens',
          '16',
        ],
        {timeoutMs: 180_000},
      )
      expect(run.exitCode).toBe(0)
      expect(schemaErrors('bench', run.json)).toBeNull()
      expect(run.json.gguf?.ppTokensPerSec).toBeGreaterThan(0)
      expect(run.json.gguf?.tgTokensPerSec).toBeGreaterThan(0)
      expect(run.json.gguf?.threads).toBe(1)
      expect(run.json.gguf?.loadAvg).toHaveLength(3)
      expect(run.json.levels[0].completed).toBe(3)
      // llama.cpp's own counters over the three measured requests only (the warm-up was reset away).
      const own = run.json.gguf?.llamaCpp
      expect(own?.evalRuns).toBeGreaterThan(0)
      expect(own?.evalRuns).toBeLessThanOrEqual(3 * 16)
      expect(own?.promptTokens).toBeGreaterThan(0)
      expect(own?.promptTokens).toBeLessThanOrEqual(3 * 33)
      expect(own?.tgTokensPerSec).toBeGreaterThan(0)
    },
    240_000,
  )
})
