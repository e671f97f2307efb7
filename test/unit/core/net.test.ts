import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {isLoopbackAddress, isWildcardAddress, parseIpAddress} from '../../../src/core/net.js'

const octet = fc.integer({min: 0, max: 255})
const ipv4 = (first: fc.Arbitrary<number>) => fc.tuple(first, octet, octet, octet).map((parts) => parts.join('.'))
const group = fc.integer({min: 0, max: 0xffff})

/** Every way to write the IPv6 address with these 8 groups: full, zero-padded, upper case, compressed. */
function spellings(groups: number[]): string[] {
  const full = groups.map((g) => g.toString(16))
  const padded = groups.map((g) => g.toString(16).padStart(4, '0'))
  const out = [full.join(':'), padded.join(':'), padded.join(':').toUpperCase()]
  for (let start = 0; start < 8; start++)
    for (let end = start + 1; end <= 8; end++)
      if (groups.slice(start, end).every((g) => g === 0))
        out.push(`${full.slice(0, start).join(':')}::${full.slice(end).join(':')}`)
  return out
}

describe('isLoopbackAddress', () => {
  it('holds for all of 127.0.0.0/8, plain, bracketed and IPv4-mapped', () => {
    fc.assert(
      fc.property(ipv4(fc.constant(127)), (address) => {
        expect(isLoopbackAddress(address)).toBe(true)
        expect(isLoopbackAddress(`::ffff:${address}`)).toBe(true)
        expect(isLoopbackAddress(`[::ffff:${address}]`)).toBe(true)
      }),
    )
  })

  it('fails for every IPv4 address outside 127.0.0.0/8, also mapped', () => {
    const notLoopback = fc.integer({min: 0, max: 255}).filter((n) => n !== 127)
    fc.assert(
      fc.property(ipv4(notLoopback), (address) => {
        expect(isLoopbackAddress(address)).toBe(false)
        expect(isLoopbackAddress(`::ffff:${address}`)).toBe(false)
      }),
    )
  })

  it('holds for every spelling of ::1 and for no other IPv6 address', () => {
    for (const spelling of spellings([0, 0, 0, 0, 0, 0, 0, 1])) {
      expect(isLoopbackAddress(spelling)).toBe(true)
      expect(isLoopbackAddress(`[${spelling}]`)).toBe(true)
    }
    fc.assert(
      fc.property(fc.array(group, {minLength: 8, maxLength: 8}), (groups) => {
        const value = groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n)
        const mapped127 = value >> 24n === 0xffff7fn
        for (const spelling of spellings(groups)) expect(isLoopbackAddress(spelling)).toBe(value === 1n || mapped127)
      }),
    )
  })

  it('takes names only when they are exactly localhost', () => {
    for (const name of ['localhost', 'LOCALHOST', 'localhost.']) expect(isLoopbackAddress(name)).toBe(true)
    for (const name of [
      '127.0.0.1.nip.io',
      '127.example.com',
      'localhost.example.com',
      'app.localhost',
      '0177.0.0.1',
      '2130706433',
      '127.1',
      '::2',
      '',
      '127.0.0.1:8080',
    ])
      expect(isLoopbackAddress(name)).toBe(false)
  })
})

describe('isWildcardAddress', () => {
  it('holds for the any-addresses in every spelling', () => {
    for (const spelling of [...spellings([0, 0, 0, 0, 0, 0, 0, 0]), '0.0.0.0', '*', '[::]', '::ffff:0.0.0.0'])
      expect(isWildcardAddress(spelling)).toBe(true)
  })

  it('fails for every other address', () => {
    fc.assert(
      fc.property(ipv4(octet), (address) => {
        expect(isWildcardAddress(address)).toBe(address === '0.0.0.0')
      }),
    )
    for (const text of ['', '0', '0.0.0', 'any', '::1', '0.0.0.0/0']) expect(isWildcardAddress(text)).toBe(false)
  })
})

describe('parseIpAddress', () => {
  it('reads IPv4, IPv6 with zones and brackets, and refuses the rest', () => {
    expect(parseIpAddress('10.0.0.1')).toEqual({family: 4, value: 0x0a000001n})
    expect(parseIpAddress('fe80::1%eth0')).toEqual({family: 6, value: (0xfe80n << 112n) | 1n})
    expect(parseIpAddress('[::1]')).toEqual({family: 6, value: 1n})
    expect(parseIpAddress('::ffff:1.2.3.4')).toEqual({family: 6, value: (0xffffn << 32n) | 0x01020304n})
    for (const text of ['1.2.3', '1.2.3.256', 'example.com', '[::1', '::1]', ':::'])
      expect(parseIpAddress(text)).toBeNull()
  })

  it('never throws on arbitrary text', () => {
    fc.assert(fc.property(fc.string({maxLength: 60}), (text) => void parseIpAddress(text)))
  })
})
