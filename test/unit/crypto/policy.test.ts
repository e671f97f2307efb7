import {describe, expect, it} from 'vitest'

import {ExitCode} from '../../../src/core/errors.js'
import {exitCodeFor, type BatchResult, type FileResult} from '../../../src/crypto/index.js'

describe('exitCodeFor', () => {
  it('encrypt/decrypt/--check: the worst exit among the files', () => {
    const file = (exit?: ExitCode): FileResult => ({
      input: 'f',
      bytes: 0,
      status: exit === undefined ? 'ok' : 'failed',
      ...(exit === undefined ? {} : {error: {code: 'X', message: 'm', exit}}),
    })
    const batch = (...files: FileResult[]): BatchResult => ({ok: false, files, bytes: 0, durationMs: 0})
    expect(exitCodeFor(batch(file(), file()))).toBe(ExitCode.Ok)
    expect(exitCodeFor(batch(file(), file(ExitCode.Findings)))).toBe(ExitCode.Findings)
    expect(exitCodeFor(batch(file(ExitCode.Findings), file(ExitCode.Usage), file()))).toBe(ExitCode.Usage)
  })
})
