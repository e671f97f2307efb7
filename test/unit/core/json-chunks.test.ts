import {mkdtemp, readdir, readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {writeChunksAtomic} from '../../../src/core/fs.js'
import {jsonChunks, reindentJson, stringifyAt} from '../../../src/core/json-chunks.js'

const anything = fc.anything({
  withBigInt: false,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withObjectString: true,
  withSparseArray: true,
  withTypedArray: true,
  maxDepth: 5,
})

describe('jsonChunks', () => {
  it('joins to exactly JSON.stringify(value, null, 2) at every depth', () => {
    fc.assert(
      fc.property(anything, fc.integer({min: 0, max: 6}), (value, depth) => {
        // A top-level undefined has no JSON text at all; reports are objects.
        fc.pre(typeof JSON.stringify(value) === 'string')
        expect([...jsonChunks(value, depth)].join('')).toBe(JSON.stringify(value, null, 2))
      }),
      {numRuns: 2000},
    )
  })

  it('writes members with undefined and functions the way JSON.stringify does', () => {
    const value = {a: undefined, b: [undefined, () => 1, 1], c: {}, d: [], e: new Date(0), f: {g: undefined}}
    expect([...jsonChunks(value, 3)].join('')).toBe(JSON.stringify(value, null, 2))
  })

  it('yields a container member by member (never the whole text at once)', () => {
    const hosts = Array.from({length: 50}, (_, i) => ({host: `gpu-${i}`, rules: [1, 2, 3]}))
    const chunks = [...jsonChunks({kind: 'fleet', hosts}, 2)]
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThan(200)
  })

  it('stringifyAt is JSON.stringify with every line indented, at any indent', () => {
    fc.assert(
      fc.property(anything, fc.integer({min: 0, max: 8}), fc.constantFrom(' ', '\t'), (value, n, pad) => {
        const text = JSON.stringify(value, null, 2)
        fc.pre(typeof text === 'string')
        const indent = pad.repeat(n)
        expect(stringifyAt(value, indent)).toBe(text.replaceAll('\n', `\n${indent}`))
      }),
      {numRuns: 2000},
    )
  })

  it('indents a nested value as its place in the whole', () => {
    expect(stringifyAt({a: [1]}, '    ')).toBe('{\n      "a": [\n        1\n      ]\n    }')
  })
})

describe('writeChunksAtomic', () => {
  it('writes every chunk in order and leaves no temp file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'llmsec-chunks-'))
    try {
      const big = 'x'.repeat(300_000)
      const chunks = function* () {
        for (let i = 0; i < 10; i++) yield `${i}:${big}\n`
        yield Buffer.from('end\n')
      }
      await writeChunksAtomic(join(dir, 'out.txt'), chunks())
      const text = await readFile(join(dir, 'out.txt'), 'utf8')
      expect(text).toBe(`${Array.from({length: 10}, (_, i) => `${i}:${big}\n`).join('')}end\n`)
      expect(await readdir(dir)).toEqual(['out.txt'])
    } finally {
      await rm(dir, {recursive: true, force: true})
    }
  })

  it('keeps the old file and removes the temp file when the producer fails', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'llmsec-chunks-'))
    try {
      await writeChunksAtomic(join(dir, 'out.txt'), ['old\n'])
      const failing = function* () {
        yield 'x'.repeat(2 << 20)
        throw new Error('render failed')
      }
      await expect(writeChunksAtomic(join(dir, 'out.txt'), failing())).rejects.toThrow('render failed')
      expect(await readFile(join(dir, 'out.txt'), 'utf8')).toBe('old\n')
      expect(await readdir(dir)).toEqual(['out.txt'])
    } finally {
      await rm(dir, {recursive: true, force: true})
    }
  })
})

describe('reindentJson', () => {
  it('is stringifyAt of the parsed value, for any JSON.stringify output and indent', () => {
    const text = fc.oneof(
      fc.string(),
      fc.string({unit: 'binary'}),
      fc.constantFrom('\\', '"', '\\"', '{}', '[]', ':', ','),
    )
    const value = fc.oneof(fc.jsonValue(), fc.dictionary(text, fc.array(text)))
    fc.assert(
      fc.property(value, fc.constantFrom('', '  ', '    ', ' ', '\t', '      '), (v, indent) => {
        const pretty = reindentJson(Buffer.from(JSON.stringify(v)), indent)
        expect(pretty.toString('utf8')).toBe(stringifyAt(v, indent))
      }),
      {numRuns: 3000},
    )
  })

  it('is linear in its input: a large result in well under a second', () => {
    const big = Buffer.from(JSON.stringify(Array.from({length: 100_000}, (_, i) => ({id: `r-${i}`, e: ['a"b\\c', i]}))))
    const started = performance.now()
    expect(reindentJson(big, '  ').length).toBeGreaterThan(big.length)
    expect(performance.now() - started).toBeLessThan(2_000)
  })
})
