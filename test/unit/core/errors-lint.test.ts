import {ESLint} from 'eslint'
import {describe, expect, it} from 'vitest'

import {repoRoot} from '../../helpers/cli.js'

const eslint = new ESLint({cwd: repoRoot})

async function restrictedSyntax(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, {filePath})
  return result.messages.filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => m.message)
}

describe('lint: exit codes and error codes', () => {
  it.each([
    ['a bare exit number', 'this.setExitCode(1)'],
    ['a bare process.exitCode', 'process.exitCode = 2'],
    ['a bare process.exit', 'process.exit(3)'],
    ['a bare exit in an object', 'const e = {code: "X", exit: 2}'],
    ['a cast to ExitCode', 'const e = 4 as ExitCode'],
    ['a cast to an error code', 'const c = "NOPE" as LlmsecErrorCode'],
    ['an LlmsecError built by hand', 'throw new LlmsecError("NOPE", {exit: ExitCode.Usage}, "m")'],
  ])('forbids %s in src/ and commands/', async (_name, code) => {
    expect(await restrictedSyntax(code, 'src/inference/x.ts')).toHaveLength(1)
    expect(await restrictedSyntax(code, 'commands/x.ts')).toHaveLength(1)
  })

  it('allows ExitCode.* and the domain constructors', async () => {
    const code = [
      'this.setExitCode(ExitCode.Findings)',
      'process.exitCode = exit',
      'const e = {exit: ExitCode.Usage}',
      'throw cryptoError("KEY_MISSING", "no key")',
    ].join('\n')
    expect(await restrictedSyntax(code, 'src/crypto/x.ts')).toEqual([])
  })

  it('lets the core module define the table', async () => {
    expect(await restrictedSyntax('const Ok = 0 as ExitCode', 'src/core/errors.ts')).toEqual([])
  })
})
