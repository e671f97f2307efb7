import {existsSync} from 'node:fs'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {execa} from 'execa'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {keepFreedMemory} from '../../../src/crypto/heap-tuning.js'

const heapTuning = new URL('../../../src/crypto/heap-tuning.ts', import.meta.url).href
const glibc = Boolean(
  (process.report?.getReport() as {header?: {glibcVersionRuntime?: string}} | undefined)?.header?.glibcVersionRuntime,
)
const noProcMaps = !existsSync('/proc/self/maps')

/**
 * Runs in a fresh process (the allocator's thresholds are per process): optionally raises them,
 * waits for V8's background sweeper to have freed the 16 MiB block, then allocates 12 MiB and
 * prints whether glibc served it with a mapping of its own (mmap) or from a heap.
 */
const PROBE = `
import {readFileSync} from 'node:fs'
const {keepFreedMemory} = await import(process.argv[2])
if (process.argv[3] === 'tuned') keepFreedMemory()
await new Promise((resolve) => setTimeout(resolve, 300))
const SIZE = 12 * 1024 * 1024
const ranges = () => new Set(readFileSync('/proc/self/maps', 'utf8').trim().split('\\n').map((line) => line.split(' ')[0]))
const before = ranges()
const held = Buffer.allocUnsafeSlow(SIZE)
const own = [...ranges()].filter((range) => !before.has(range)).some((range) => {
  const [start, end] = range.split('-').map((hex) => Number.parseInt(hex, 16))
  return end - start > SIZE && end - start < SIZE + 65536
})
console.log(JSON.stringify({ownMapping: own, length: held.length}))
`

let dir = ''
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'llmsec-heap-'))
  await writeFile(join(dir, 'probe.mjs'), PROBE)
})
afterAll(async () => {
  if (dir) await rm(dir, {recursive: true, force: true})
})

async function probe(mode: 'default' | 'tuned'): Promise<boolean> {
  const {stdout} = await execa(process.execPath, ['--import', 'tsx', join(dir, 'probe.mjs'), heapTuning, mode])
  return (JSON.parse(stdout) as {ownMapping: boolean}).ownMapping
}

describe('keepFreedMemory', () => {
  it('runs once per process', () => {
    keepFreedMemory()
    expect(keepFreedMemory()).toBe(false)
  })

  it.skipIf(!glibc || noProcMaps)(
    'raises glibc’s mmap threshold: a 12 MiB block then comes from a heap, not a mapping of its own',
    async () => {
      expect(await probe('default')).toBe(true)
      expect(await probe('tuned')).toBe(false)
    },
    30_000,
  )
})
