import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {LlmsecError} from '../../../src/core/errors.js'
import {parseNvidiaSmiXml} from '../../../src/hardware/nvidia.js'
import {parseAmdSmiStatic, parseLsblk, parseRocmSmi, parseSwaps} from '../../../src/hardware/index.js'
import {parseProcNet} from '../../../src/network/index.js'
import {detectModelFormat} from '../../../src/scan/index.js'
import {repoRoot} from '../../helpers/cli.js'

const fixtures = ['driver-510-v11.xml', 'driver-535-v12-mig.xml', 'driver-580-v13.xml', 'na-values.xml'].map((name) =>
  readFileSync(join(repoRoot, 'fixtures', 'nvidia-smi', name), 'utf8'),
)

/** A fixture with a random slice replaced by random text: truncations, junk, broken tags. */
const mutatedXml = fc
  .tuple(fc.constantFrom(...fixtures), fc.nat(), fc.nat(200), fc.string({maxLength: 40}))
  .map(([text, at, length, insert]) => {
    const start = at % (text.length + 1)
    return text.slice(0, start) + insert + text.slice(start + length)
  })

describe('parsers never crash on mutated input', () => {
  it('parseNvidiaSmiXml returns GPUs or throws an LlmsecError, nothing else', () => {
    fc.assert(
      fc.property(mutatedXml, (xml) => {
        try {
          const gpus = parseNvidiaSmiXml(xml)
          for (const gpu of gpus) expect(gpu.source).toBe('nvidia-smi')
        } catch (error) {
          expect(error).toBeInstanceOf(LlmsecError)
        }
      }),
      {numRuns: 1500},
    )
  })

  it('parseProcNet never throws and yields valid ports', () => {
    const line = fc
      .array(
        fc.oneof(
          fc.string({unit: fc.constantFrom(...'0123456789ABCDEF'), maxLength: 34}),
          fc.constantFrom(':', ' ', '0A', '07', '\n'),
        ),
        {maxLength: 30},
      )
      .map((parts) => parts.join(''))
    fc.assert(
      fc.property(
        fc.array(line, {maxLength: 20}),
        fc.constantFrom('tcp', 'tcp6', 'udp', 'udp6' as const),
        (lines, protocol) => {
          for (const socket of parseProcNet(`header\n${lines.join('\n')}`, protocol)) {
            expect(socket.port).toBeGreaterThanOrEqual(0)
            expect(socket.port).toBeLessThanOrEqual(0xffff)
          }
        },
      ),
      {numRuns: 1500},
    )
  })

  it('detectModelFormat never throws on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({maxLength: 512}), fc.nat(), (bytes, extra) => {
        const buffer = Buffer.from(bytes)
        expect(typeof detectModelFormat(buffer, buffer.length + (extra % 1024))).toBe('string')
      }),
      {numRuns: 2000},
    )
  })

  it('JSON tool parsers throw plain errors (caught by the collector) or return GPUs', () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        for (const parse of [parseAmdSmiStatic, parseRocmSmi, parseLsblk]) {
          try {
            expect(Array.isArray(parse(text))).toBe(true)
          } catch (error) {
            expect(error).toBeInstanceOf(Error)
          }
        }
        expect(Array.isArray(parseSwaps(text, null))).toBe(true)
      }),
      {numRuns: 1000},
    )
  })
})
