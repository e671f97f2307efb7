import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {scanBuffer, type FileReport} from '../../../src/scan/index.js'
import {repoRoot} from '../../helpers/cli.js'
import {buildGguf, buildSafetensors, buildZip, ggufString} from '../../helpers/model-builders.js'
import {callPickle} from '../../helpers/pickle-builder.js'

const dir = join(repoRoot, 'fixtures', 'scan')
const fixtures: [string, Buffer][] = readdirSync(dir)
  .filter((name) => !name.endsWith('.py') && name !== 'README.md')
  .map((name) => [name, readFileSync(join(dir, name))])
// Inputs built in TypeScript too, so header formats get mutated from minimal valid files.
fixtures.push(
  ['built.safetensors', buildSafetensors({a: {dtype: 'F32', shape: [2], data_offsets: [0, 8]}}, Buffer.alloc(8))],
  [
    'built.gguf',
    buildGguf({
      kv: [{key: 'general.name', type: 8, value: ggufString('x')}],
      tensors: [{name: 'w', dims: [4n], type: 0, offset: 0n}],
      dataLength: 16,
    }),
  ],
  [
    'built.zip',
    buildZip([
      {name: 'a/data.pkl', data: callPickle('os', 'system'), deflate: true},
      {name: 'inner.zip', data: buildZip([{name: 'x.pkl', data: callPickle('torch', 'load')}])},
    ]),
  ],
)

const EXTREMES = [0, 1, 0x7f, 0x80, 0xff, 0x7fffffff, 0x80000000, 0xffffffff]

type Mutation =
  | {kind: 'set'; at: number; value: number}
  | {kind: 'word'; at: number; value: number; wide: boolean}
  | {kind: 'cut'; at: number}
  | {kind: 'insert'; at: number; bytes: Uint8Array}

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({min: 0, max: 255})}),
  fc.record({
    kind: fc.constant('word' as const),
    at: fc.nat(),
    value: fc.constantFrom(...EXTREMES),
    wide: fc.boolean(),
  }),
  fc.record({kind: fc.constant('cut' as const), at: fc.nat()}),
  fc.record({kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({minLength: 1, maxLength: 16})}),
)

function mutate(input: Buffer, mutations: Mutation[]): Buffer {
  let out = Buffer.from(input)
  for (const m of mutations) {
    if (out.length === 0) break
    const at = m.at % out.length
    if (m.kind === 'set') out[at] = m.value
    else if (m.kind === 'cut') out = out.subarray(0, at)
    else if (m.kind === 'insert') out = Buffer.concat([out.subarray(0, at), m.bytes, out.subarray(at)])
    else if (at + (m.wide ? 8 : 4) <= out.length) {
      out.writeUInt32LE(m.value, at)
      if (m.wide) out.writeUInt32LE(m.value === 0xffffffff ? 0xffffffff : 0, at + 4)
    }
  }
  return out
}

function assertReport(report: FileReport, elapsedMs: number): void {
  expect(['clean', 'unsafe', 'unknown', 'malformed']).toContain(report.verdict)
  expect(report.findings.map((f) => f.code)).not.toContain('SCAN_INTERNAL_ERROR')
  expect(elapsedMs).toBeLessThan(2000)
}

describe('fuzzing the scanner with mutated fixtures', () => {
  it('returns a report for 10,000 mutated inputs: no crash, no hang, bounded memory', () => {
    const heapBefore = process.memoryUsage().heapUsed
    let slowest = 0
    fc.assert(
      fc.property(
        fc.nat({max: fixtures.length - 1}),
        fc.array(mutation, {minLength: 1, maxLength: 6}),
        (index, mutations) => {
          const [name, bytes] = fixtures[index]
          const input = mutate(bytes, mutations)
          const started = performance.now()
          const report = scanBuffer(input, name)
          const elapsed = performance.now() - started
          slowest = Math.max(slowest, elapsed)
          assertReport(report, elapsed)
        },
      ),
      {numRuns: 10_000, seed: 4242},
    )
    const heapGrowth = process.memoryUsage().heapUsed - heapBefore
    expect(heapGrowth).toBeLessThan(256 * 1024 * 1024)
    expect(slowest).toBeLessThan(2000)
  })

  it('returns a report for 1,000 random byte strings, with and without format magics', () => {
    const magic = fc.constantFrom('', 'GGUF', 'PK\x03\x04', '\x93NUMPY', '\x80\x04\x95', '\x89HDF\r\n\x1a\n')
    fc.assert(
      fc.property(
        magic,
        fc.uint8Array({maxLength: 512}),
        fc.constantFrom('x.bin', 'x.safetensors', 'x.gguf', 'x.pkl', 'x.npy', 'x.onnx'),
        (head, body, name) => {
          const started = performance.now()
          assertReport(
            scanBuffer(Buffer.concat([Buffer.from(head, 'latin1'), body]), name),
            performance.now() - started,
          )
        },
      ),
      {numRuns: 1000, seed: 7},
    )
  })
})
