import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {CODES} from '../../../src/scan/codes.js'
import {repoRoot} from '../../helpers/cli.js'

describe('docs/json/scan.md reason codes', () => {
  it('lists every code with the severity and kind the scanner gives it, and no other', () => {
    const doc = readFileSync(join(repoRoot, 'docs', 'json', 'scan.md'), 'utf8')
    const rows = [...doc.matchAll(/^\| `([A-Z0-9_]+)` \| (\w+) \| (\w+) \|$/gm)].map(([, code, severity, kind]) => ({code, severity, kind}))
    expect(rows).toEqual(Object.entries(CODES).map(([code, info]) => ({code, severity: info.severity, kind: info.kind})))
  })
})
