import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {atLeast, compareSeverity, mostSevereFirst, SEVERITIES, worstSeverity} from '../../../src/core/severity.js'

describe('severity order', () => {
  it('lists the most severe first, and every helper agrees with that list', () => {
    expect(SEVERITIES).toEqual(['critical', 'high', 'medium', 'low', 'info'])
    const severity = fc.constantFrom(...SEVERITIES)
    fc.assert(
      fc.property(severity, severity, (a, b) => {
        const moreSevere = SEVERITIES.indexOf(a) < SEVERITIES.indexOf(b)
        expect(compareSeverity(a, b) > 0).toBe(moreSevere)
        expect(atLeast(a, b)).toBe(SEVERITIES.indexOf(a) <= SEVERITIES.indexOf(b))
        expect(mostSevereFirst(a, b) < 0).toBe(moreSevere)
      }),
    )
  })

  it('picks the worst of a list', () => {
    expect(worstSeverity(['low', 'high', 'medium'])).toBe('high')
    expect(worstSeverity([])).toBeNull()
    expect(['info', 'critical', 'low'].sort((a, b) => mostSevereFirst(a as 'info', b as 'info'))).toEqual([
      'critical',
      'low',
      'info',
    ])
  })
})
