import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {splitRange} from '../../../src/network/exposure.js'

describe('splitRange: a published range cut where rules tell ports apart', () => {
  it('pieces cover the range exactly, in order, and no cut falls inside one (property)', () => {
    const port = fc.integer({min: 0, max: 65535})
    fc.assert(
      fc.property(port, port, fc.uniqueArray(port, {maxLength: 64}), (a, b, raw) => {
        const range = {low: Math.min(a, b), high: Math.max(a, b)}
        const cuts = [...raw].sort((x, y) => x - y)
        const pieces = splitRange(range, cuts)
        expect(pieces[0].low).toBe(range.low)
        expect(pieces.at(-1)!.high).toBe(range.high)
        for (const [i, piece] of pieces.entries()) {
          expect(piece.low).toBeLessThanOrEqual(piece.high)
          if (i > 0) expect(piece.low).toBe(pieces[i - 1].high + 1)
          expect(cuts.some((cut) => cut > piece.low && cut <= piece.high)).toBe(false)
        }
        // Every cut strictly inside the range starts a piece.
        for (const cut of cuts)
          if (cut > range.low && cut <= range.high) expect(pieces.some((p) => p.low === cut)).toBe(true)
      }),
      {numRuns: 500},
    )
  })
})
