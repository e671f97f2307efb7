import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {execa} from 'execa'
import {describe, expect, it} from 'vitest'

import {repoRoot} from '../helpers/cli.js'

const inGit = existsSync(join(repoRoot, '.git'))

describe('oclif.manifest.json', () => {
  // `npm test` rebuilds the manifest first; a difference from the committed file means it was stale.
  // Compared as data: oclif may write the same commands in another order.
  it.skipIf(!inGit)('is committed up to date with the commands', async () => {
    const committed = await execa('git', ['show', 'HEAD:oclif.manifest.json'], {cwd: repoRoot, reject: false})
    if (committed.exitCode !== 0) return console.warn('[skip] oclif.manifest.json is not committed yet')
    const built = JSON.parse(readFileSync(join(repoRoot, 'oclif.manifest.json'), 'utf8')) as unknown
    expect(built, 'oclif.manifest.json is stale: run `npm run build` and commit it').toEqual(
      JSON.parse(committed.stdout),
    )
  })

  it('lists every command file', async () => {
    const manifest = (await import('../../oclif.manifest.json', {with: {type: 'json'}})).default as {
      commands: Record<string, unknown>
    }
    expect(Object.keys(manifest.commands)).toContain('inventory')
  })
})
