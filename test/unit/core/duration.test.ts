import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {DURATION_UNITS, formatDuration, parseDuration, type DurationUnit} from '../../../src/core/duration.js'

const ms = (text: string, bare: DurationUnit = 'ms') => {
  const parsed = parseDuration(text, bare)
  return parsed.ok ? parsed.ms : parsed.reason
}

describe('parseDuration', () => {
  it('reads each unit and compound durations', () => {
    expect(ms('500ms')).toBe(500)
    expect(ms('15s')).toBe(15_000)
    expect(ms('2m')).toBe(120_000)
    expect(ms('1h')).toBe(3_600_000)
    expect(ms('1m30s')).toBe(90_000)
    expect(ms('1h2m3s4ms')).toBe(3_723_004)
    expect(ms('1.5s')).toBe(1500)
    expect(ms('0.25m')).toBe(15_000)
    expect(ms(' 15s ')).toBe(15_000)
  })

  it('reads a bare number in the unit it is given, and says it was bare', () => {
    expect(parseDuration('15', 's')).toEqual({ok: true, ms: 15_000, bare: true})
    expect(parseDuration('1500', 'ms')).toEqual({ok: true, ms: 1500, bare: true})
    expect(parseDuration('15s', 's')).toEqual({ok: true, ms: 15_000, bare: false})
  })

  it.each([
    '',
    's',
    '-5s',
    '1.s',
    '.5s',
    '5 s',
    '5sec',
    '5S',
    '1s1s',
    '30s1m',
    '1e3ms',
    '0x10s',
    'Infinitys',
    '1.5ms',
    '99999999999h',
    `${'1'.repeat(50)}s`,
  ])('refuses %j', (text) => {
    const parsed = parseDuration(text, 's')
    expect(parsed.ok).toBe(false)
    if (!parsed.ok) expect(parsed.reason).toMatch(/duration|milliseconds/)
  })

  it('reads back what formatDuration writes', () => {
    fc.assert(
      fc.property(fc.integer({min: 0, max: 10 ** 12}), (value) => {
        expect(ms(formatDuration(value))).toBe(value)
      }),
    )
  })

  it('adds up parts written in any units, largest first', () => {
    const part = fc.record({count: fc.integer({min: 0, max: 100_000}), keep: fc.boolean()})
    fc.assert(
      fc.property(fc.tuple(part, part, part, part), (parts) => {
        const chosen = DURATION_UNITS.map((unit, i) => ({unit, ...parts[i]})).filter((p) => p.keep)
        fc.pre(chosen.length > 0)
        const text = chosen.map((p) => `${p.count}${p.unit}`).join('')
        const expected = chosen.reduce((sum, p) => sum + p.count * {h: 3_600_000, m: 60_000, s: 1000, ms: 1}[p.unit], 0)
        expect(ms(text)).toBe(expected)
      }),
    )
  })

  it('answers any text with a whole non-negative duration or a reason, quickly', () => {
    fc.assert(
      fc.property(fc.string({maxLength: 200}), fc.constantFrom(...DURATION_UNITS), (text, unit) => {
        const parsed = parseDuration(text, unit)
        if (parsed.ok) expect(Number.isSafeInteger(parsed.ms) && parsed.ms >= 0).toBe(true)
        else expect(parsed.reason.length).toBeGreaterThan(0)
      }),
    )
    const started = performance.now()
    parseDuration('1'.repeat(1_000_000), 's')
    parseDuration(`${'1s'.repeat(500_000)}`, 's')
    expect(performance.now() - started).toBeLessThan(1000)
  })
})

describe('formatDuration', () => {
  it('writes the largest units first', () => {
    expect(formatDuration(0)).toBe('0ms')
    expect(formatDuration(500)).toBe('500ms')
    expect(formatDuration(15_000)).toBe('15s')
    expect(formatDuration(90_000)).toBe('1m30s')
    expect(formatDuration(3_600_001)).toBe('1h1ms')
  })

  it('refuses fractions and negatives', () => {
    expect(() => formatDuration(1.5)).toThrow(RangeError)
    expect(() => formatDuration(-1)).toThrow(RangeError)
  })
})
