import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {LlmsecError} from '../../../src/core/errors.js'
import {type HeaderMeta, SignatureAlg, decodeMeta, encodeMeta} from '../../../src/crypto/header-meta.js'

const segment = fc.string({minLength: 1, maxLength: 12}).filter((s) => !/[/\0]/.test(s) && s !== '.' && s !== '..')
const meta: fc.Arbitrary<HeaderMeta> = fc.record({
  name: fc.array(segment, {minLength: 1, maxLength: 4}).map((parts) => parts.join('/')),
  inTree: fc.boolean(),
  recordedMode: fc.integer({min: 0, max: 0o7777}),
  signature: fc.option(
    fc.record({
      alg: fc.constantFrom(...Object.values(SignatureAlg)),
      length: fc.integer({min: 1, max: 1024}),
      signer: fc.uint8Array({minLength: 32, maxLength: 32}).map((b) => Buffer.from(b)),
    }),
    {nil: undefined},
  ),
})

describe('version 2 header metadata', () => {
  it('round-trips whatever llmsec records', () => {
    fc.assert(
      fc.property(meta, (m) => {
        const bytes = encodeMeta(m)
        expect(decodeMeta(bytes, 0, bytes.length)).toEqual(m)
      }),
    )
  })

  it('on arbitrary bytes: decodes or throws HEADER_CORRUPT, never anything else', () => {
    fc.assert(
      fc.property(fc.uint8Array({maxLength: 200}), (raw) => {
        const bytes = Buffer.from(raw)
        try {
          const decoded = decodeMeta(bytes, 0, bytes.length)
          expect(decoded.name.split('/')).not.toContain('..')
        } catch (error) {
          expect(error).toBeInstanceOf(LlmsecError)
          expect((error as LlmsecError).code).toBe('HEADER_CORRUPT')
        }
      }),
      {numRuns: 2000},
    )
  })

  it('refuses names that are not relative paths of plain segments', () => {
    for (const name of ['', '/etc/passwd', '../x', 'a/../b', 'a//b', 'a/./b', 'nul\0']) {
      expect(() => encodeMeta({name, inTree: true, recordedMode: 0o644}), JSON.stringify(name)).toThrow()
    }
  })
})
