import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {controlFamiliesOf, controlFamily} from '../../../src/audit/score.js'

const FRAMEWORKS = ['nist-800-53', 'pci-dss', 'hipaa', 'gdpr', 'iso-27001', 'sox', 'nist-ai-rmf', 'other']
const id = fc.oneof(
  fc.constantFrom('AC-3', 'AC-3(1)', 'AU-2', '10.2.1', '2.2', '164.312(b)', 'Art. 32(1)', 'A.8.20', 'ITG01', 'MAP 1.1'),
  fc.string({maxLength: 12}),
)

describe('controlFamiliesOf', () => {
  it('is the distinct families of the ids, in order, memoised or not', () => {
    fc.assert(
      fc.property(fc.constantFrom(...FRAMEWORKS), fc.array(id, {maxLength: 30}), (framework, ids) => {
        const expected = [...new Set(ids.map((x) => controlFamily(framework, x)))]
        expect(controlFamiliesOf(framework, ids)).toEqual(expected)
        // The second call answers from the memo.
        expect(controlFamiliesOf(framework, ids)).toEqual(expected)
      }),
      {numRuns: 500},
    )
  })

  it('stays linear on a rule that maps to very many controls', () => {
    const ids = Array.from({length: 200_000}, (_, i) => `AC-${i}`)
    const started = performance.now()
    expect(controlFamiliesOf('nist-800-53', ids)).toEqual(['AC'])
    expect(controlFamiliesOf('other', ids)).toHaveLength(200_000)
    expect(performance.now() - started).toBeLessThan(5_000)
  })
})
