import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {parseLlamaTimings} from '../../../src/inference/gguf.js'

const REPORT = [
  'llama_perf_context_print:        load time =      19.32 ms',
  'llama_perf_context_print: prompt eval time =       1.32 ms /     9 tokens (    0.15 ms per token,  6823.35 tokens per second)',
  'llama_perf_context_print:        eval time =       9.34 ms /    32 runs   (    0.29 ms per token,  3427.59 tokens per second)',
  'llama_perf_context_print:       total time =      55.34 ms /    41 tokens',
]

describe('parseLlamaTimings', () => {
  it("reads llama.cpp's prompt and eval counters from its performance report", () => {
    expect(parseLlamaTimings(REPORT)).toEqual({promptTokens: 9, promptMs: 1.32, evalRuns: 32, evalMs: 9.34})
  })

  it('is null without both lines, and never throws on other log text', () => {
    expect(parseLlamaTimings(REPORT.slice(0, 2))).toBeNull()
    expect(parseLlamaTimings([])).toBeNull()
    fc.assert(
      fc.property(fc.array(fc.string({maxLength: 400}), {maxLength: 20}), (lines) => {
        const parsed = parseLlamaTimings(lines)
        expect(parsed === null || Number.isFinite(parsed.evalMs)).toBe(true)
      }),
    )
  })
})
