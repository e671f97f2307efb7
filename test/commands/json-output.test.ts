import {mkdir} from 'node:fs/promises'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCli} from '../helpers/cli.js'
import {CLI_TEST_TIMEOUT_MS, makeTempDir} from '../helpers/model-dir.js'

let work: {dir: string; cleanup: () => Promise<void>}

beforeAll(async () => {
  work = await makeTempDir('llmsec-json-output-')
  await mkdir(join(work.dir, 'srv', 'models'), {recursive: true})
})
afterAll(async () => work?.cleanup())

/**
 * The base command prints --json results itself (oclif's logJson re-tokenises the text to colour
 * it): the text must stay what oclif printed, pretty JSON with two-space indents and one newline.
 */
describe('--json output text', () => {
  it(
    'is JSON.stringify(result, null, 2) and a newline, for a result and for an error',
    async () => {
      const ok = await runCli(['audit', '--root', work.dir, '--rule', 'no-pickle-models', '--json'])
      // runCli's execa strips the one final newline.
      expect(ok.stdout).toBe(JSON.stringify(JSON.parse(ok.stdout), null, 2))
      expect(ok.stdout).toContain('\n  "score": ')
      const bad = await runCli(['audit', '--root', join(work.dir, 'absent'), '--json'])
      expect(bad.exitCode).toBe(2)
      expect(bad.stdout).toBe(JSON.stringify(JSON.parse(bad.stdout), null, 2))
      expect(JSON.parse(bad.stdout).error.code).toBeTruthy()
    },
    CLI_TEST_TIMEOUT_MS,
  )
})
