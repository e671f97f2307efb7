import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {MAY_HOLD_SECRET, redactSecrets, SECRET_PATTERNS} from '../../../src/core/redact.js'

/** Pieces of secrets and near-misses, so generated text often comes close to a pattern. */
const PIECES = [
  'hf_',
  'api_org_',
  'sk-',
  'sk-proj-',
  'AKIA',
  'ASIA',
  'AGPA',
  'AIDA',
  'AROA',
  'ANPA',
  'ghp_',
  'gho_',
  'ghs_',
  'github_pat_',
  'glpat-',
  'xoxb-',
  'xoxp-',
  '_KEY',
  'KEY',
  'key',
  'TOKEN',
  'token',
  'Tok',
  'SECRET',
  'secr',
  'PASSWORD',
  'passwd',
  '_PASS',
  'APIKEY',
  'api-key',
  '--api-key',
  '--token',
  '-password',
  'hf-token',
  'auth_token',
  '=',
  ':',
  ' ',
  '"',
  "'",
  '-',
  '_',
  '.',
  'A',
  'z',
  '0',
  '9',
  'abcdefghij',
  'ABCDEFGHIJKLMNOP',
  '0123456789',
  'HF',
  'GH',
  'sk',
  'ap',
  'xo',
  'gl',
  'pa',
  'ss',
  'ke',
  'y',
]
const text = fc.oneof(
  fc.array(fc.constantFrom(...PIECES), {maxLength: 24}).map((p) => p.join('')),
  fc.string({maxLength: 200}),
  fc.string({unit: 'binary', maxLength: 100}),
)

describe('redactSecrets fast path', () => {
  it('text that MAY_HOLD_SECRET rejects matches no secret pattern (so skipping redaction changes nothing)', () => {
    fc.assert(
      fc.property(text, (s) => {
        if (MAY_HOLD_SECRET.test(s)) return
        for (const pattern of SECRET_PATTERNS)
          expect(new RegExp(pattern.source, pattern.flags).test(s), pattern.source).toBe(false)
        expect(redactSecrets(s)).toBe(s)
      }),
      {numRuns: 20_000},
    )
  })

  it('still masks secrets', () => {
    expect(redactSecrets('Environment=HF_TOKEN=hf_abcdefghijklmnop')).toBe('Environment=HF_TOKEN=hf_***')
    expect(redactSecrets('key ghp_abcdefghijklmnopqrstuvwx')).toBe('key ghp_***')
    expect(redactSecrets('/etc/file.conf has mode 0644')).toBe('/etc/file.conf has mode 0644')
  })
})
