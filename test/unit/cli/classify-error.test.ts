import {Errors} from '@oclif/core'
import {describe, expect, it} from 'vitest'

import {classifyError} from '../../../src/cli/base-command.js'
import {coreError, ExitCode, LlmsecError} from '../../../src/core/errors.js'
import {cryptoError} from '../../../src/crypto/index.js'

describe('classifyError', () => {
  it('keeps the reason oclif puts on the line after "Parsing --flag"', () => {
    const error = new Errors.CLIError(
      'Parsing --fail-under \n\tExpected an integer but received: abc\nSee more help with --help',
    )
    expect(classifyError(error)).toEqual({
      code: 'USAGE',
      message: 'Parsing --fail-under: Expected an integer but received: abc. See --help.',
      exit: 2,
    })
  })

  it('maps LlmsecError to its code and exit, anything else to 3', () => {
    expect(classifyError(coreError('KEY_MALFORMED', 'bad key.'))).toEqual({
      code: 'KEY_MALFORMED',
      message: 'bad key.',
      exit: 2,
    })
    expect(classifyError(cryptoError('CHUNK_AUTH_FAILED', 'chunk 2 failed.'))).toMatchObject({exit: 1})
    expect(classifyError(new TypeError('boom\nstack'))).toEqual({
      code: 'UNEXPECTED',
      message: 'Unexpected error: boom',
      exit: 3,
    })
  })
  it('treats an LlmsecError with an undeclared code as a bug, not as that code', () => {
    const stray = new LlmsecError('NOT_A_DECLARED_CODE', {exit: ExitCode.Ok}, 'looks fine')
    expect(classifyError(stray)).toEqual({code: 'UNEXPECTED', message: 'Unexpected error: looks fine', exit: 3})
  })
})
