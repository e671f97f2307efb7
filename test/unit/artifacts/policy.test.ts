import {describe, expect, it} from 'vitest'

import {exitCodeFor, type VerifyResult} from '../../../src/artifacts/index.js'
import {ExitCode} from '../../../src/core/errors.js'

describe('exitCodeFor', () => {
  it('verify: 1 when the model does not verify', () => {
    expect(exitCodeFor({verified: false} as VerifyResult)).toBe(ExitCode.Findings)
    expect(exitCodeFor({verified: true} as VerifyResult)).toBe(ExitCode.Ok)
  })
})
