import {Errors} from '@oclif/core'
import {describe, expect, it} from 'vitest'

import {classifyError} from '../../../src/cli/base-command.js'
import {LlmsecError} from '../../../src/core/errors.js'

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
    expect(classifyError(new LlmsecError('bad key.', 'KEY_INVALID', 2))).toEqual({
      code: 'KEY_INVALID',
      message: 'bad key.',
      exit: 2,
    })
    expect(classifyError(new TypeError('boom\nstack'))).toEqual({
      code: 'UNEXPECTED',
      message: 'Unexpected error: boom',
      exit: 3,
    })
  })
})
