import {describe, expect, it} from 'vitest'

import {ExitCode} from '../../../src/core/errors.js'
import {exitCodeFor, type BenchResult, type SmokeReport} from '../../../src/inference/index.js'

describe('exitCodeFor', () => {
  it('smoke: 1 when a check failed on any target; bench: 1 when a request failed', () => {
    const smoke = (fail: number, inconclusive = 0) =>
      ({summary: {pass: 3, fail, warn: 1, skip: 0, inconclusive}}) as SmokeReport
    expect(exitCodeFor(smoke(1))).toBe(ExitCode.Findings)
    expect(exitCodeFor(smoke(0))).toBe(ExitCode.Ok)
    expect(exitCodeFor({targets: [smoke(0), smoke(2)]})).toBe(ExitCode.Findings)
    expect(exitCodeFor({targets: [smoke(0), smoke(0)]})).toBe(ExitCode.Ok)
    // A prompt family that could not be judged is incomplete (4), never ok; a failure still wins.
    expect(exitCodeFor(smoke(0, 1))).toBe(ExitCode.Incomplete)
    expect(exitCodeFor({targets: [smoke(1), smoke(0, 1)]})).toBe(ExitCode.Findings)
    const bench = (...failed: number[]) => ({levels: failed.map((f) => ({failed: f, completed: 5}))}) as BenchResult
    expect(exitCodeFor(bench(0, 1))).toBe(ExitCode.Findings)
    expect(exitCodeFor(bench(0, 0))).toBe(ExitCode.Ok)
  })
})
