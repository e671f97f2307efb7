import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {arrivalOffsets, gammaDraw} from '../../../src/inference/arrivals.js'
import {createRng} from '../../../src/inference/rng.js'

function gaps(offsets: number[]): number[] {
  return offsets.map((at, i) => at - (i === 0 ? 0 : offsets[i - 1]))
}

function meanAndCv(values: number[]): {mean: number; cv: number} {
  const mean = values.reduce((a, b) => a + b, 0) / values.length
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length
  return {mean, cv: Math.sqrt(variance) / mean}
}

describe('open-loop arrivals', () => {
  it('draws Poisson arrivals (burstiness 1) with the requested mean rate and exponential gaps', () => {
    const {mean, cv} = meanAndCv(gaps(arrivalOffsets(createRng(7), 10, 5000, 1e9)))
    expect(mean).toBeGreaterThan(95)
    expect(mean).toBeLessThan(105)
    // An exponential distribution has a coefficient of variation of 1.
    expect(cv).toBeGreaterThan(0.9)
    expect(cv).toBeLessThan(1.1)
    expect(arrivalOffsets(createRng(7), 10, 5000, 1000).length).toBeLessThan(30)
  })

  it('keeps the mean rate at any burstiness; the gaps vary as 1/sqrt(burstiness)', () => {
    for (const burstiness of [0.25, 0.5, 2, 8]) {
      const {mean, cv} = meanAndCv(gaps(arrivalOffsets(createRng(3), 20, 20_000, 1e12, burstiness)))
      expect(mean, `burstiness ${burstiness}`).toBeGreaterThan(47)
      expect(mean, `burstiness ${burstiness}`).toBeLessThan(53)
      expect(cv, `burstiness ${burstiness}`).toBeCloseTo(1 / Math.sqrt(burstiness), 1)
    }
  })

  it('sends every request at once at an infinite rate', () => {
    expect(arrivalOffsets(createRng(1), Infinity, 4, 1000)).toEqual([0, 0, 0, 0])
  })

  it('draws finite, positive gamma values for any shape and seed', () => {
    fc.assert(
      fc.property(fc.double({min: 0.01, max: 100, noNaN: true}), fc.integer(), (shape, seed) => {
        const value = gammaDraw(createRng(seed), shape)
        return Number.isFinite(value) && value >= 0
      }),
    )
  })

  it('repeats arrivals for a seed', () => {
    expect(arrivalOffsets(createRng(5), 3, 10, 1e6, 0.5)).toEqual(arrivalOffsets(createRng(5), 3, 10, 1e6, 0.5))
  })
})
