import {readFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {parentPort} from 'node:worker_threads'

import sevenZipModule, {type SevenZipModule, type SevenZipModuleFactory} from '7z-wasm'

import type {DecodeReply, DecodeRequest, DecodedMember} from './decode.types.js'
import {append} from '../core/arrays.js'

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

class TooLarge extends Error {}

interface Run {
  sevenZip: SevenZipModule
  /** What 7-Zip wrote to stdout, up to the limit. */
  output: () => Buffer
  /** Whether 7-Zip tried to write past the limit. */
  overflowed: () => boolean
  errors: () => string
}

/** A fresh 7-Zip instance per request, so nothing of one file's archive survives into the next. */
async function start(limit: number): Promise<Run> {
  const out = Buffer.alloc(Math.min(limit, 1024 * 1024))
  let chunks: Buffer[] = []
  let used = 0
  let total = 0
  let errors = ''
  const sevenZip = await SevenZip({
    wasmBinary: wasmBinary.buffer.slice(wasmBinary.byteOffset, wasmBinary.byteOffset + wasmBinary.byteLength),
    stdin: () => null,
    stdout: (byte: number) => {
      // Throwing here becomes a write error inside 7-Zip, which then stops: nothing past the limit is decoded.
      if (++total > limit) throw new TooLarge()
      out[used++] = byte
      if (used === out.length) {
        chunks.push(Buffer.from(out))
        used = 0
      }
    },
    print: () => {},
    printErr: (line: string) => {
      if (errors.length < 2000) errors += `${line}\n`
    },
  } as never)
  return {
    sevenZip,
    output: () => {
      const all = Buffer.concat([...chunks, out.subarray(0, used)])
      chunks = []
      used = 0
      return all
    },
    overflowed: () => total > limit,
    errors: () => errors.trim().split('\n').filter(Boolean).at(-1) ?? '',
  }
}

/** Decodes one xz, lzma or bzip2 stream to stdout (7z e -so), within the limit. */
function decodeStream(run: Run, kind: keyof typeof TYPES, limit: number): DecodeReply {
  const code = sevenZipRun(run, ['e', '-so', '-bd', `-t${TYPES[kind]}`, '/in'])
  const data = run.output()
  if (run.overflowed()) return {problem: 'too-large', detail: `more than ${limit} bytes`}
  // What 7-Zip wrote before the damage is what Python's streaming reader hands the unpickler.
  if (code !== 0) return {members: [{name: '', data}], corrupt: run.errors() || `7-Zip exit code ${code}`}
  return {members: [{name: '', data}]}
}

/** Files under a MEMFS directory, depth first, with paths relative to it. */
function readTree(fs: SevenZipModule['FS'], dir: string, prefix = ''): DecodedMember[] {
  const members: DecodedMember[] = []
  for (const name of fs.readdir(dir)) {
    if (name === '.' || name === '..') continue
    const path = `${dir}/${name}`
    const mode = fs.lstat(path).mode
    if (fs.isDir(mode)) append(members, readTree(fs, path, `${prefix}${name}/`))
    else if (fs.isFile(mode)) members.push({name: `${prefix}${name}`, data: fs.readFile(path)})
  }
  return members
}

/**
 * A 7z archive: the listing first (declared sizes and the encryption flag), then, when the members fit
 * the limit, extraction into memory. Every "Size = " line counts, so a name cannot hide a size.
 */
function decode7z(run: Run, limit: number, maxMembers: number): DecodeReply {
  const listed = sevenZipRun(run, ['l', '-slt', '-ba', '-t7z', NO_PASSWORD, '/in'])
  const listing = run.output().toString('utf8')
  if (listed !== 0) {
    const why = run.errors()
    return /encrypted|password/i.test(why) ? {problem: 'encrypted', detail: why} : {problem: 'corrupt', detail: why}
  }
  if (/^Encrypted = \+/m.test(listing)) return {problem: 'encrypted', detail: 'members are encrypted'}
  const sizes = [...listing.matchAll(/^Size = (\d*)$/gm)].map((m) => Number(m[1] || 0))
  if (sizes.length > maxMembers) return {problem: 'too-large', detail: `more than ${maxMembers} members`}
  const declared = sizes.reduce((a, b) => a + b, 0)
  if (declared > limit) return {problem: 'too-large', detail: `members declare ${declared} bytes`}
  const code = sevenZipRun(run, ['x', '-o/out', '-y', '-bd', '-bso0', '-bsp0', '-t7z', NO_PASSWORD, '/in'])
  if (code !== 0) return {problem: 'corrupt', detail: run.errors() || `7-Zip exit code ${code}`}
  return {members: readTree(run.sevenZip.FS, '/out')}
}

async function decode(request: DecodeRequest): Promise<DecodeReply> {
  const run = await start(request.limit)
  run.sevenZip.FS.writeFile('/in', request.input)
  try {
    if (request.kind === '7z') return decode7z(run, request.limit, request.maxMembers)
    return decodeStream(run, request.kind, request.limit)
  } catch (error) {
    if (error instanceof TooLarge) return {problem: 'too-large', detail: `more than ${request.limit} bytes`}
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
