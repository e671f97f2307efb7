import {execaSync} from 'execa'
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {ChunkSink, DecodeMemory, OutputTooLarge} from '../../../src/scan/decoded.js'
import {decodeLz4, Lz4Error, Lz4TooLarge} from '../../../src/scan/lz4.js'
import {bufferSource} from '../../../src/scan/source.js'
import {skipReason} from '../../helpers/env.js'

const PYTHON = '/usr/bin/python3'
const noLz4 = execaSync(PYTHON, ['-c', 'import lz4.frame'], {reject: false}).exitCode !== 0

const MiB = 1024 * 1024

function decode(frame: Buffer, limit = 64 * MiB): Buffer {
  const sink = new ChunkSink(new DecodeMemory(), limit)
  decodeLz4(bufferSource(frame), sink)
  return sink.source().read(0, sink.size)
}

/** A frame header: magic, FLG (version 1 | flags), BD (block max id 4..7), a header checksum byte. */
function header(flags = 0x60, bd = 0x40, contentSize?: bigint): Buffer {
  const size = contentSize === undefined ? Buffer.alloc(0) : Buffer.alloc(8)
  if (contentSize !== undefined) size.writeBigUInt64LE(contentSize)
  const flg = Buffer.from([contentSize === undefined ? flags : flags | 0x08, bd])
  return Buffer.concat([Buffer.from([0x04, 0x22, 0x4d, 0x18]), flg, size, Buffer.from([0])])
}
const block = (data: Buffer, raw = false) => {
  const size = Buffer.alloc(4)
  size.writeUInt32LE((data.length | (raw ? 0x80000000 : 0)) >>> 0)
  return Buffer.concat([size, data])
}
const END = Buffer.alloc(4)

/** lz4.frame.compress with the given options, from Python's lz4 (the reference bindings joblib uses). */
function pyLz4(data: Buffer, options: string): Buffer {
  const script = `import sys, lz4.frame; sys.stdout.buffer.write(lz4.frame.compress(sys.stdin.buffer.read(), ${options}))`
  return Buffer.from(execaSync(PYTHON, ['-c', script], {input: data, encoding: 'buffer'}).stdout)
}

describe.skipIf(skipReason(noLz4, 'lz4 reference tests need python3-lz4'))('lz4 frames against python-lz4', () => {
  it('decodes what lz4.frame writes, for every block size, linked or not, with checksums and sizes', () => {
    const text = Buffer.from('the quick brown fox jumps over the lazy dog '.repeat(40_000))
    const noise = Buffer.from(Array.from({length: 300_000}, (_, i) => (i * 7919) % 251))
    const data = Buffer.concat([text, noise, Buffer.alloc(500_000), text])
    for (const options of [
      'block_size=lz4.frame.BLOCKSIZE_MAX64KB, block_linked=True',
      'block_size=lz4.frame.BLOCKSIZE_MAX256KB, block_linked=False, block_checksum=True',
      'block_size=lz4.frame.BLOCKSIZE_MAX1MB, content_checksum=True, store_size=True',
      'block_size=lz4.frame.BLOCKSIZE_MAX4MB, compression_level=12, store_size=False',
    ])
      expect(decode(pyLz4(data, options)).equals(data), options).toBe(true)
  })

  it('decodes frames one after another, as LZ4FrameFile reads them (property over random data)', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({maxLength: 3000}), {minLength: 1, maxLength: 3}), (parts) => {
        const chunks = parts.map((p) => Buffer.concat([Buffer.from(p), Buffer.from(p)]))
        const frames = Buffer.concat(chunks.map((c) => pyLz4(c, 'block_size=lz4.frame.BLOCKSIZE_MAX64KB')))
        expect(decode(frames).equals(Buffer.concat(chunks))).toBe(true)
      }),
      {numRuns: 15},
    )
  })
})

describe('lz4 decoder bounds', () => {
  it('refuses a frame whose declared content size is past the limit before decoding', () => {
    expect(() => decode(Buffer.concat([header(0x60, 0x40, 1n << 40n), END]), MiB)).toThrow(Lz4TooLarge)
  })

  it('stops a zero bomb at the output limit', () => {
    // One block: a literal zero, then a match of offset 1 extended to ~4 MiB, repeated blocks.
    const ext = Buffer.alloc(16_000, 255)
    const body = Buffer.concat([Buffer.from([0x1f, 0, 1, 0]), ext, Buffer.from([0, 0x00])])
    const frame = Buffer.concat([header(0x40, 0x70), ...Array.from({length: 40}, () => block(body)), END])
    expect(() => decode(frame, 8 * MiB)).toThrow(OutputTooLarge)
  })

  it('fails fast on lengths that run past the block (they cannot spin)', () => {
    // A match length extended by 4 MiB of 255s: rejected once it passes the block maximum.
    const body = Buffer.concat([Buffer.from([0x0f, 1, 0]), Buffer.alloc(4 * MiB - 4, 255)])
    const started = performance.now()
    expect(() => decode(Buffer.concat([header(0x60, 0x70), block(body), END]))).toThrow(Lz4Error)
    expect(performance.now() - started).toBeLessThan(2000)
  })

  it('names the damage: blocks over the maximum, offsets of 0 or before the data, cut streams, junk after a frame', () => {
    const cases: [Buffer, RegExp][] = [
      [Buffer.concat([header(0x60, 0x40), block(Buffer.alloc(70_000)), END]), /exceeds/],
      [Buffer.concat([header(0x60, 0x40), block(Buffer.from([0x10, 0x41, 0, 0])), END]), /reaches before/],
      [Buffer.concat([header(0x60, 0x40), block(Buffer.from([0x10, 0x41, 9, 0])), END]), /reaches before/],
      [Buffer.concat([header(0x60, 0x40), block(Buffer.from([0x50, 0x41]))]), /literals run past/],
      [Buffer.concat([header(0x60, 0x40), Buffer.from([1, 2])]), /ends inside/],
      [Buffer.concat([header(0x60, 0x40), END, Buffer.from('junk')]), /not an lz4 frame/],
      [Buffer.concat([header(0xa0, 0x40), END]), /version/],
      [Buffer.concat([header(0x60, 0x30), END]), /block size id/],
      [Buffer.concat([header(0x60, 0x40, 5n), block(Buffer.from('abc'), true), END]), /declares 5 bytes but holds 3/],
    ]
    for (const [frame, message] of cases) expect(() => decode(frame)).toThrow(message)
  })

  it('keeps what decoded before the damage, and reads raw blocks and skippable frames', () => {
    const skippable = Buffer.concat([Buffer.from([0x5a, 0x2a, 0x4d, 0x18, 3, 0, 0, 0]), Buffer.from('xyz')])
    const frame = Buffer.concat([skippable, header(), block(Buffer.from('hello'), true), END])
    expect(decode(frame).toString()).toBe('hello')
    const sink = new ChunkSink(new DecodeMemory(), MiB)
    expect(() => decodeLz4(bufferSource(Buffer.concat([frame, header(), Buffer.from([9])])), sink)).toThrow(Lz4Error)
    expect(sink.source().read(0, sink.size).toString()).toBe('hello')
  })

  it('only ever throws its own errors, in time linear in the input (property over random bytes)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(0x40, 0x60, 0x70, 0x74),
        fc.constantFrom(0x40, 0x50, 0x60, 0x70),
        fc.array(fc.uint8Array({maxLength: 400}), {maxLength: 6}),
        (flags, bd, blocks) => {
          const frame = Buffer.concat([header(flags, bd), ...blocks.map((b) => block(Buffer.from(b))), END])
          try {
            decode(frame, 4 * MiB)
          } catch (error) {
            expect(error instanceof Lz4Error || error instanceof OutputTooLarge).toBe(true)
          }
        },
      ),
      {numRuns: 400},
    )
  })
})
