import {describe, expect, it} from 'vitest'

import {runTool} from '../../../src/core/exec.js'

describe('runTool', () => {
  it('runs a program with an argument array and captures output', async () => {
    const result = await runTool(process.execPath, ['-e', 'process.stdout.write(process.argv[1])', 'a b;$(x)'])
    expect(result).toMatchObject({status: 'ok', exitCode: 0, stdout: 'a b;$(x)'})
  })

  it('reports a missing program as a normal result', async () => {
    const result = await runTool('llmsec-no-such-tool-xyz', ['--version'])
    expect(result.status).toBe('missing')
    expect(result.reason).toMatch(/not installed/)
  })

  it('reports a non-zero exit with the first stderr line, secrets redacted', async () => {
    const result = await runTool(
      process.execPath,
      ['-e', 'console.error("bad token hunter2\\nmore"); process.exit(4)'],
      {secrets: ['hunter2']},
    )
    expect(result).toMatchObject({status: 'failed', exitCode: 4})
    expect(result.reason).toBe(`${process.execPath} exited with code 4: bad token ***`)
  })

  it('kills a program at its timeout', async () => {
    const result = await runTool(process.execPath, ['-e', 'setTimeout(() => {}, 10000)'], {timeoutMs: 200})
    expect(result.status).toBe('timeout')
    expect(result.durationMs).toBeLessThan(5000)
  })

  it('passes stdin input', async () => {
    const result = await runTool(process.execPath, ['-e', 'process.stdin.pipe(process.stdout)'], {input: 'hello'})
    expect(result.stdout).toBe('hello')
  })
})
