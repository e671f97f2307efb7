import {readdirSync, readFileSync} from 'node:fs'
import {join, relative} from 'node:path'

import {describe, expect, it} from 'vitest'

import {repoRoot} from '../helpers/cli.js'

/** Code, comments and test names say why and what, so they never point at the tracker's history. */
const TREES = ['src', 'commands', 'test', 'bench', 'scripts']
const HISTORY = /\b(issues?|acceptance)\s*#?\d+/i

function historyReferences(): string[] {
  const hits: string[] = []
  for (const tree of TREES)
    for (const entry of readdirSync(join(repoRoot, tree), {withFileTypes: true, recursive: true})) {
      if (!entry.isFile()) continue
      const path = join(entry.parentPath, entry.name)
      readFileSync(path, 'utf8')
        .split('\n')
        .forEach((line, index) => {
          const match = HISTORY.exec(line)
          if (match) hits.push(`${relative(repoRoot, path)}:${index + 1}: ${match[0]}`)
        })
    }
  return hits
}

describe('history references', () => {
  it('the pattern catches the spellings it is meant to', () => {
    // Samples are assembled so this file does not match itself.
    const numbered = ['(issue N)', 'Issue #N', 'issues N and 9', 'acceptance N:', 'Acceptance N']
    for (const text of numbered.map((t) => t.replace('N', '12'))) expect(HISTORY.test(text), text).toBe(true)
    for (const text of ['an issue with 3 files', 'acceptance test', 'tissue 3'])
      expect(HISTORY.test(text), text).toBe(false)
  })

  it('no source, test, bench or script file names an issue or acceptance number', () => {
    expect(historyReferences()).toEqual([])
  })
})
