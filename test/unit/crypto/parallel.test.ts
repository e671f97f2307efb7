import {existsSync} from 'node:fs'
import {pathToFileURL} from 'node:url'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {resolveWorkerEntry} from '../../../src/crypto/index.js'
import {repoRoot} from '../../helpers/cli.js'

describe('worker entry resolution', () => {
  it('uses chunk-worker.js next to the built module', () => {
    const url = pathToFileURL(join(repoRoot, 'dist', 'src', 'crypto', 'parallel.js')).href
    const entry = resolveWorkerEntry(url)
    expect(entry.eval).toBe(false)
    expect(entry.script).toBe(join(repoRoot, 'dist', 'src', 'crypto', 'chunk-worker.js'))
    // The built file exists after `npm run build` (npm test builds first).
    if (existsSync(join(repoRoot, 'dist'))) expect(existsSync(entry.script)).toBe(true)
  })

  it('loads chunk-worker.ts through tsx when running from TypeScript source', () => {
    const url = pathToFileURL(join(repoRoot, 'src', 'crypto', 'parallel.ts')).href
    const entry = resolveWorkerEntry(url)
    expect(entry.eval).toBe(true)
    expect(entry.script).toContain('tsImport(')
    expect(entry.script).toContain(pathToFileURL(join(repoRoot, 'src', 'crypto', 'chunk-worker.ts')).href)
    expect(existsSync(join(repoRoot, 'src', 'crypto', 'chunk-worker.ts'))).toBe(true)
  })
})
