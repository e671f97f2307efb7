import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {CHUNK_BYTES, ChunkSink, DecodeMemory, OutputTooLarge} from '../../../src/scan/decoded.js'
import {bufferSource} from '../../../src/scan/source.js'

describe('decoded data in chunks', () => {
  it('reads exactly what a buffer source reads, at any offset and length (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({min: 0, max: 3 * CHUNK_BYTES + 77}),
        fc.array(fc.tuple(fc.integer({min: -10, max: 4 * CHUNK_BYTES}), fc.integer({min: 0, max: 2 * CHUNK_BYTES}))),
        fc.integer({min: 1, max: 300_000}),
        (size, reads, piece) => {
          const data = Buffer.alloc(size)
          for (let i = 0; i < size; i += 4093) data[i] = (i / 4093) & 0xff
          const sink = new ChunkSink(new DecodeMemory(), 8 * CHUNK_BYTES)
          for (let at = 0; at < size; at += piece) sink.write(data.subarray(at, at + piece))
          const plain = bufferSource(data)
          const chunked = sink.source()
          expect(chunked.size).toBe(size)
          for (const [offset, length] of reads)
            expect(chunked.read(offset, length).equals(plain.read(offset, length))).toBe(true)
        },
      ),
      {numRuns: 30},
    )
  })

  it('takes memory chunk by chunk from the budget every nesting level shares, and gives it back', () => {
    const memory = new DecodeMemory(3 * CHUNK_BYTES)
    const outer = new ChunkSink(memory, 64 * CHUNK_BYTES)
    outer.write(new Uint8Array(2 * CHUNK_BYTES))
    const inner = new ChunkSink(memory, 64 * CHUNK_BYTES)
    inner.write(new Uint8Array(CHUNK_BYTES))
    expect(() => inner.write(new Uint8Array(1))).toThrow(OutputTooLarge)
    expect(memory.free).toBe(0)
    outer.release()
    inner.release()
    expect(memory.free).toBe(3 * CHUNK_BYTES)
  })

  it('refuses output past its own limit before taking memory', () => {
    const memory = new DecodeMemory()
    const sink = new ChunkSink(memory, 10)
    sink.write(new Uint8Array(10))
    expect(() => sink.write(new Uint8Array(1))).toThrow('more than 10 bytes')
    expect(memory.free).toBe(memory.limit - CHUNK_BYTES)
  })
})
