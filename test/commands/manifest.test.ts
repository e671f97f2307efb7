import {existsSync} from 'node:fs'
import {join} from 'node:path'

import {execa} from 'execa'
import {describe, expect, it} from 'vitest'

import {repoRoot} from '../helpers/cli.js'

const inGit = existsSync(join(repoRoot, '.git'))

describe('oclif.manifest.json', () => {
  // `npm test` rebuilds the manifest first; a diff against the committed file means it was stale.
  it.skipIf(!inGit)('is committed up to date with the commands', async () => {
    const tracked = await execa('git', ['ls-files', '--error-unmatch', 'oclif.manifest.json'], {
      cwd: repoRoot,
      reject: false,
    })
    if (tracked.exitCode !== 0) return console.warn('[skip] oclif.manifest.json is not committed yet')
    const diff = await execa('git', ['diff', '--stat', '--', 'oclif.manifest.json'], {cwd: repoRoot})
    expect(diff.stdout, 'oclif.manifest.json is stale: run `npm run build` and commit it').toBe('')
  })

  it('lists every command file', async () => {
    const manifest = (await import('../../oclif.manifest.json', {with: {type: 'json'}})).default as {
      commands: Record<string, unknown>
    }
    expect(Object.keys(manifest.commands)).toContain('inventory')
  })
})
