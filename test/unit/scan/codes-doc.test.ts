import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {renderAllowlist} from '../../../src/scan/allowlist-doc.js'
import {CODES} from '../../../src/scan/codes.js'
import {repoRoot} from '../../helpers/cli.js'

describe('docs/json/scan.md reason codes', () => {
  it('lists every code with the severity and kind the scanner gives it, and no other', () => {
    const doc = readFileSync(join(repoRoot, 'docs', 'json', 'scan.md'), 'utf8')
    const rows = [...doc.matchAll(/^\| `([A-Z0-9_]+)` \| (\w+) \| (\w+) \|$/gm)].map(([, code, severity, kind]) => ({
      code,
      severity,
      kind,
    }))
    expect(rows).toEqual(
      Object.entries(CODES).map(([code, info]) => ({code, severity: info.severity, kind: info.kind})),
    )
  })
})

describe('docs/scan-policy.md allowlist', () => {
  it('is the rendering of the allowlist (npx tsx scripts/render-scan-policy.ts)', () => {
    const doc = readFileSync(join(repoRoot, 'docs', 'scan-policy.md'), 'utf8')
    expect(doc).toContain(`<!-- allowlist:start -->\n${renderAllowlist()}<!-- allowlist:end -->`)
  })
})
