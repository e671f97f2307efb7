import {describe, expect, it} from 'vitest'

import {renderBench} from '../../../../src/cli/render/bench.js'
import {renderSmoke} from '../../../../src/cli/render/smoke.js'
import {createStyle} from '../../../../src/cli/style.js'
import {summariseLevel} from '../../../../src/inference/bench.js'

const plain = createStyle(false)

describe('smoke and bench renderers', () => {
  it('prints each check and, in-process, the tokens generated and tokens/s', () => {
    const text = renderSmoke(
      {
        target: {kind: 'gguf', location: 'm.gguf', model: 'm.gguf'},
        server: {kind: 'node-llama-cpp', version: '3.21.1'},
        checks: [{id: 'inference.completion', status: 'pass', severity: 'info', evidence: '64 tokens at 200 tokens/s'}],
        summary: {pass: 1, fail: 0, warn: 0, skip: 0, inconclusive: 0},
        generation: {
          promptTokens: 5,
          tokensGenerated: 64,
          tokensPerSec: 200,
          promptTokensPerSec: 900,
          threads: 1,
          gpu: false,
        },
      },
      plain,
    )
    expect(text).toMatch(/pass\s+info\s+inference\.completion\s+64 tokens at 200 tokens\/s/)
    expect(text).toMatch(/generated 64 tokens at 200 tokens\/s \(prompt 900 tokens\/s, 1 threads, cpu\)/)
  })

  it('prints one row per level with p50/p99 and goodput when an SLO was given', () => {
    const level = summariseLevel(
      [
        {
          ok: true,
          error: null,
          ttftMs: 50,
          itlMs: [10, 10],
          e2eMs: 70,
          queueMs: 0,
          connectMs: 0,
          inputTokens: 1,
          outputTokens: 3,
          chunks: 3,
          text: 'abc',
          tokenSource: 'approximate',
        },
      ],
      {concurrency: 4, rate: null, durationMs: 1000},
      {slo: {ttftMs: 100}},
    )
    const text = renderBench(
      {
        target: {kind: 'endpoint', location: 'http://127.0.0.1:1', model: 'm'},
        server: {kind: 'vllm', version: '0.11.0'},
        options: {inputTokens: 1, outputTokens: 3, requests: 1, durationMs: 1000, seed: 0, slo: {ttftMs: 100}},
        levels: [level],
      },
      plain,
    )
    expect(text).toMatch(/c=4\s+1\s+0\s+50\.0 \/ 50\.0\s+10\.0 \/ 10\.0/)
    expect(text).toMatch(/~3\.0/)
    expect(text).toMatch(/1\.00 req\/s/)
  })
})
