import {readFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {parentPort} from 'node:worker_threads'

import sevenZipModule, {type SevenZipModule, type SevenZipModuleFactory} from '7z-wasm'

import {CHUNK_BYTES} from './decoded.js'
import type {DecodeReply, DecodeRequest, DecodedMember} from './decode.types.js'

/**
 * The decoder thread: 7-Zip (7z-wasm) reads the formats Node cannot (xz, lzma, bzip2, 7z archives).
 * It runs as its own thread because 7z-wasm starts asynchronously while the scan is synchronous: the
 * scanning thread blocks on a shared flag until this one has answered (decode-sync.ts).
 */

/** 7z-wasm is CommonJS: its module.exports is the factory (the typings say `default`). */
const SevenZip = sevenZipModule as unknown as SevenZipModuleFactory
const wasmBinary = readFileSync(createRequire(import.meta.url).resolve('7z-wasm/7zz.wasm'))

/** Runs 7-Zip with these arguments and returns its exit code (the typings say void). */
const sevenZipRun = (run: Run, args: string[]) => run.sevenZip.callMain(args) as unknown as number

/** 7-Zip's type switch for each stream format. */
const TYPES = {xz: 'xz', lzma: 'lzma', bzip2: 'bzip2'} as const

/** A password that is never right: an encrypted archive then fails instead of prompting on stdin. */
const NO_PASSWORD = '-pllmsec-does-not-decrypt'

const MiB = 1024 * 1024

/** 7-Zip's output past the limit, or its heap past the memory budget: decoding stops, the data is not analysed. */
class TooLarge extends Error {}

/** The part of the WebAssembly API used here (this project's TypeScript libs do not declare it). */
interface WasmInstance {
  exports: {memory?: {buffer: ArrayBuffer}}
}
interface WasmApi {
  compile(bytes: Uint8Array): Promise<object>
  instantiate(module: object, imports: object): Promise<WasmInstance>
}
const wasm = (globalThis as unknown as {WebAssembly: WasmApi}).WebAssembly

/** Compiled once per thread; every request gets a fresh instance of it. */
let compiled: Promise<object> | null = null

interface Run {
  sevenZip: SevenZipModule
  /** Collects stdout: a listing into a small buffer, data into shared chunks. */
  collect(mode: 'listing' | 'data'): void
  listing(): string
  data(): {chunks: Uint8Array[]; size: number}
  /** Why decoding stopped early, if it did: over the output limit or over the memory budget. */
  stopped(): string | null
  errors: () => string
}

/** The slice of emscripten's FS that takeStdout touches (not in 7z-wasm's typings). */
interface EmscriptenFs {
  getStream(fd: number): {stream_ops: Record<string, unknown>} | null
  ErrnoError: new (errno: number) => Error
}

/**
 * Emscripten's stdout device hands 7-Zip's writes to JavaScript one byte per call; this gives fd 1
 * a write that takes each block whole (a view on the wasm heap, copied once into the output). A
 * refusal becomes EIO inside 7-Zip, which then stops writing.
 */
function takeStdout(sevenZip: SevenZipModule, write: (bytes: Uint8Array) => void): void {
  const fs = sevenZip.FS as unknown as EmscriptenFs
  const stdout = fs.getStream(1)
  if (!stdout) return
  stdout.stream_ops = {
    ...stdout.stream_ops,
    write: (_stream: unknown, buffer: Int8Array, offset: number, length: number) => {
      try {
        write(new Uint8Array(buffer.buffer, buffer.byteOffset + offset, length))
      } catch {
        throw new fs.ErrnoError(29)
      }
      return length
    },
  }
}

/** The listing of a 7z archive is small: past this it is not read (10,000 members fit many times over). */
const MAX_LISTING = 16 * MiB

/**
 * A fresh 7-Zip instance per request, so nothing of one file's archive survives into the next. Its
 * memory is bounded: heap growth (refused in emscripten_resize_heap, so 7-Zip's allocation fails)
 * plus output chunks stay within `memory`, and the output within `maxOutput`.
 */
async function start(request: DecodeRequest): Promise<Run> {
  compiled ??= wasm.compile(wasmBinary)
  const module = await compiled
  const {memory, maxOutput} = request
  let initialHeap = 0
  let heapGrowth = 0
  let stop: string | null = null
  let mode: 'listing' | 'data' = 'listing'
  let listing = Buffer.alloc(0)
  let listed = 0
  const chunks: Uint8Array[] = []
  let size = 0
  let errorText = ''
  const fail = (why: string): never => {
    stop ??= why
    // Throwing here becomes a write error inside 7-Zip, which then stops: nothing past the limit is decoded.
    throw new TooLarge(why)
  }
  /** Appends what 7-Zip wrote: the listing to a small buffer, data to shared chunks within the limits. */
  const write = (bytes: Uint8Array) => {
    if (mode === 'listing') {
      if (listed + bytes.length > MAX_LISTING) fail(`the archive listing is longer than ${MAX_LISTING} bytes`)
      if (listed + bytes.length > listing.length)
        listing = Buffer.concat([listing.subarray(0, listed), Buffer.alloc(Math.max(64 * 1024, listed + bytes.length))])
      listing.set(bytes, listed)
      listed += bytes.length
      return
    }
    if (size + bytes.length > maxOutput) fail(`more than ${maxOutput} bytes`)
    for (let done = 0; done < bytes.length;) {
      if (size === chunks.length * CHUNK_BYTES) {
        if ((chunks.length + 1) * CHUNK_BYTES + heapGrowth > memory)
          fail(`more than ${Math.round(memory / MiB)} MiB of memory for this file's decoded data`)
        chunks.push(new Uint8Array(new SharedArrayBuffer(CHUNK_BYTES)))
      }
      const used = size % CHUNK_BYTES
      const n = Math.min(bytes.length - done, CHUNK_BYTES - used)
      chunks[chunks.length - 1].set(bytes.subarray(done, done + n), used)
      done += n
      size += n
    }
  }
  const sevenZip = await SevenZip({
    instantiateWasm(imports: {env: Record<string, unknown>}, done: (instance: WasmInstance) => void) {
      const grow = imports.env.emscripten_resize_heap as (requested: number) => boolean
      imports.env.emscripten_resize_heap = (requested: number) => {
        const growth = (requested >>> 0) - initialHeap
        if (growth + chunks.length * CHUNK_BYTES > memory) {
          stop ??= `7-Zip needs more than ${Math.round(memory / MiB)} MiB of memory for this data`
          return false
        }
        const grown = grow(requested)
        if (grown) heapGrowth = Math.max(heapGrowth, growth)
        return grown
      }
      void wasm.instantiate(module, imports).then((instance) => {
        initialHeap = instance.exports.memory?.buffer.byteLength ?? 0
        done(instance)
      })
      return {}
    },
    stdin: () => null,
    stdout: (byte: number) => write(Uint8Array.of(byte)),
    print: () => {},
    printErr: (line: string) => {
      if (errorText.length < 2000) errorText += `${line}\n`
    },
  } as never)
  takeStdout(sevenZip, write)
  return {
    sevenZip,
    collect: (next) => {
      mode = next
    },
    listing: () => {
      const text = listing.toString('utf8', 0, listed)
      listed = 0
      return text
    },
    data: () => ({chunks, size}),
    stopped: () => stop,
    errors: () => errorText.trim().split('\n').filter(Boolean).at(-1) ?? '',
  }
}

/** Decodes one xz, lzma or bzip2 stream to stdout (7z e -so), within the limits. */
function decodeStream(run: Run, kind: keyof typeof TYPES): DecodeReply {
  run.collect('data')
  const code = sevenZipRun(run, ['e', '-so', '-bd', `-t${TYPES[kind]}`, '/in'])
  const stopped = run.stopped()
  if (stopped) return {problem: 'too-large', detail: stopped}
  const {chunks, size} = run.data()
  const members = [{name: '', offset: 0, size}]
  // What 7-Zip wrote before the damage is what Python's streaming reader hands the unpickler.
  if (code !== 0) return {chunks, size, members, corrupt: run.errors() || `7-Zip exit code ${code}`}
  return {chunks, size, members}
}

interface Listed {
  path: string
  size: number
  directory: boolean
  encrypted: boolean
}

/**
 * 7-Zip's technical listing (l -slt -ba): one block of "Key = value" lines per item, each block
 * starting with its Path. A member name holding a line break could forge lines, so the listing is
 * read strictly: a line of any other shape, a key twice in one block or a block without a numeric
 * Size make it unreadable (and the sizes must add up to what extraction writes, checked later).
 */
function parseListing(text: string): Listed[] | string {
  const items: Listed[] = []
  let fields: Map<string, string> | null = null
  const finish = (): string | null => {
    if (!fields) return null
    const size = fields.get('Size') ?? ''
    if (!/^\d+$/.test(size)) return 'a listed member has no size'
    const directory = (fields.get('Attributes') ?? '').startsWith('D') || fields.get('Folder') === '+'
    if (directory && size !== '0') return 'a listed folder has a size'
    items.push({path: fields.get('Path')!, size: Number(size), directory, encrypted: fields.get('Encrypted') === '+'})
    return null
  }
  for (const line of text.split('\n')) {
    if (line === '') continue
    const m = /^([A-Za-z][A-Za-z ]*) = (.*)$/.exec(line)
    if (!m) return 'the listing has a line that is not a field (a member name with a line break?)'
    if (m[1] === 'Path') {
      const wrong = finish()
      if (wrong) return wrong
      fields = new Map()
    }
    if (!fields) return 'the listing does not start with a member path'
    if (fields.has(m[1])) return `a listed member has two ${m[1]} fields (a forged member name?)`
    fields.set(m[1], m[2])
  }
  return finish() ?? items
}

/**
 * A 7z archive: the listing first (declared sizes and the encryption flag), then, when the members fit
 * the limits, every member extracted to stdout in archive order (7z e -so) and cut at the listed
 * sizes. Output that does not add up to the listing is damage: nothing of it is analysed.
 */
function decode7z(run: Run, request: DecodeRequest): DecodeReply {
  const listedCode = sevenZipRun(run, ['l', '-slt', '-ba', '-t7z', NO_PASSWORD, '/in'])
  if (run.stopped()) return {problem: 'too-large', detail: run.stopped()!}
  if (listedCode !== 0) {
    const why = run.errors()
    return /encrypted|password/i.test(why) ? {problem: 'encrypted', detail: why} : {problem: 'corrupt', detail: why}
  }
  const items = parseListing(run.listing())
  if (typeof items === 'string') return {problem: 'corrupt', detail: items}
  if (items.some((item) => item.encrypted)) return {problem: 'encrypted', detail: 'members are encrypted'}
  if (items.length > request.maxMembers)
    return {problem: 'too-large', detail: `more than ${request.maxMembers} members`}
  const declared = items.reduce((sum, item) => sum + item.size, 0)
  if (declared > request.maxOutput) return {problem: 'too-large', detail: `members declare ${declared} bytes`}
  run.collect('data')
  const code = sevenZipRun(run, ['e', '-so', '-bd', '-t7z', NO_PASSWORD, '/in'])
  const stopped = run.stopped()
  if (stopped) return {problem: 'too-large', detail: stopped}
  if (code !== 0) return {problem: 'corrupt', detail: run.errors() || `7-Zip exit code ${code}`}
  const {chunks, size} = run.data()
  if (size !== declared)
    return {problem: 'corrupt', detail: `7-Zip extracted ${size} bytes but the listing declares ${declared}`}
  const members: DecodedMember[] = []
  let offset = 0
  for (const item of items) {
    if (item.directory) continue
    members.push({name: item.path, offset, size: item.size})
    offset += item.size
  }
  return {chunks, size, members}
}

async function decode(request: DecodeRequest): Promise<DecodeReply> {
  const run = await start(request)
  // canOwn: MEMFS keeps a view of the shared input instead of copying it.
  const file = run.sevenZip.FS.open('/in', 'w')
  run.sevenZip.FS.write(file, request.input, 0, request.input.length, 0, true)
  run.sevenZip.FS.close(file)
  try {
    if (request.kind === '7z') return decode7z(run, request)
    return decodeStream(run, request.kind)
  } catch (error) {
    const stopped = run.stopped()
    if (stopped) return {problem: 'too-large', detail: stopped}
    return {problem: 'failed', detail: String((error as Error)?.message ?? error).slice(0, 200)}
  }
}

parentPort?.on('message', (request: DecodeRequest) => {
  const reply = (answer: DecodeReply) => {
    request.port.postMessage(answer)
    Atomics.store(request.signal, 0, 1)
    Atomics.notify(request.signal, 0)
  }
  decode(request).then(reply, (error: unknown) =>
    reply({problem: 'failed', detail: String((error as Error)?.message ?? error).slice(0, 200)}),
  )
})
