import type {FileHandle} from 'node:fs/promises'

import {Header, Pax, type HeaderData} from 'tar'

import {imageError} from './errors.js'

/** One member of a tar archive, its extension headers (pax, GNU long names) applied. */
export interface TarEntry {
  /** The member's name as written (not yet normalized). */
  path: string
  /** node-tar's type name: File, Directory, SymbolicLink, Link, CharacterDevice, … */
  type: string
  mode: number
  uid: number
  gid: number
  size: number
  mtimeMs: number
  linkpath: string
  devmaj: number
  devmin: number
  /** Where the member's data starts in the source. */
  offset: number
}

/** Sequential bytes of a tar archive: a range of a file read in place, or a (decompressed) stream. */
export interface TarSource {
  readonly position: number
  /** Up to n bytes (fewer only at the end of the source). */
  read(n: number): Promise<Buffer>
  skip(n: number): Promise<void>
}

const BLOCK = 512
/** Bounds on metadata members: a pax header or a GNU long name larger than this is malformed. */
const MAX_META_BYTES = 1024 * 1024
/** Most members one archive may have (each costs a little memory in a virtual root). */
const MAX_TAR_ENTRIES = 2_000_000

const padded = (size: number) => Math.ceil(size / BLOCK) * BLOCK

/** A byte range of an open file, read in place with a read-ahead buffer. */
export class FileRangeSource implements TarSource {
  private buffer = Buffer.alloc(0)
  private bufferAt = 0
  position: number

  constructor(
    readonly handle: FileHandle,
    start: number,
    private readonly end: number,
  ) {
    this.position = start
  }

  async read(n: number): Promise<Buffer> {
    const want = Math.max(0, Math.min(n, this.end - this.position))
    const from = this.position - this.bufferAt
    if (from < 0 || from + want > this.buffer.length) {
      const size = Math.min(Math.max(want, 64 * 1024), this.end - this.position)
      const buffer = Buffer.alloc(size)
      const {bytesRead} = await this.handle.read(buffer, 0, size, this.position)
      this.buffer = buffer.subarray(0, bytesRead)
      this.bufferAt = this.position
    }
    const start = this.position - this.bufferAt
    const out = this.buffer.subarray(start, start + want)
    this.position += out.length
    return out
  }

  async skip(n: number): Promise<void> {
    this.position = Math.min(this.end, this.position + n)
  }
}

/** A stream (a decompressed layer) read once, front to back. */
export class StreamSource implements TarSource {
  position = 0
  private pending: Buffer[] = []
  private pendingBytes = 0
  private readonly chunks: AsyncIterator<Buffer>
  private done = false

  constructor(stream: AsyncIterable<Buffer>) {
    this.chunks = stream[Symbol.asyncIterator]()
  }

  private async fill(n: number): Promise<void> {
    while (this.pendingBytes < n && !this.done) {
      const next = await this.chunks.next()
      if (next.done) this.done = true
      else {
        this.pending.push(next.value)
        this.pendingBytes += next.value.length
      }
    }
  }

  private take(n: number, keep: boolean): Buffer {
    const parts: Buffer[] = []
    let left = Math.min(n, this.pendingBytes)
    this.position += left
    this.pendingBytes -= left
    while (left > 0) {
      const head = this.pending[0]
      if (head.length <= left) {
        if (keep) parts.push(head)
        this.pending.shift()
        left -= head.length
      } else {
        if (keep) parts.push(head.subarray(0, left))
        this.pending[0] = head.subarray(left)
        left = 0
      }
    }
    return keep ? Buffer.concat(parts) : Buffer.alloc(0)
  }

  async read(n: number): Promise<Buffer> {
    await this.fill(n)
    return this.take(n, true)
  }

  /** Stops reading: the stream is destroyed. */
  async close(): Promise<void> {
    this.done = true
    this.pending = []
    this.pendingBytes = 0
    await this.chunks.return?.()
  }

  async skip(n: number): Promise<void> {
    for (let left = n; left > 0 && !(this.done && this.pendingBytes === 0);) {
      await this.fill(Math.min(left, 1024 * 1024))
      const step = Math.min(left, this.pendingBytes)
      if (step === 0) break
      this.take(step, false)
      left -= step
    }
  }
}

/** Reads a member body for the walker's reader: at most `max` bytes, once. */
export type ReadBody = (max: number) => Promise<Buffer>

/** node-tar's header decoder, its throws (a base-256 number out of range) as IMAGE_MALFORMED. */
function decodeHeader(block: Buffer, ex: HeaderData, gex: HeaderData, where: string): Header {
  try {
    return new Header(block, 0, ex, gex)
  } catch (error) {
    throw imageError('IMAGE_MALFORMED', `${where} does not decode: ${(error as Error).message}`)
  }
}

function parsePax(text: string, ex: HeaderData, global: boolean, where: string): HeaderData {
  try {
    return Pax.parse(text, ex, global)
  } catch (error) {
    throw imageError('IMAGE_MALFORMED', `${where}: a pax header does not decode: ${(error as Error).message}`)
  }
}

async function readMeta(source: TarSource, size: number, where: string): Promise<string> {
  if (size > MAX_META_BYTES) throw imageError('IMAGE_MALFORMED', `${where}: an extension header of ${size} bytes`)
  const body = await source.read(padded(size))
  if (body.length < size) throw imageError('IMAGE_MALFORMED', `${where}: the archive ends inside a header`)
  return body.subarray(0, size).toString('utf8')
}

function toEntry(header: Header, ex: HeaderData, offset: number): TarEntry {
  return {
    path: ex.path ?? header.path ?? '',
    type: header.type,
    mode: header.mode ?? 0,
    uid: header.uid ?? 0,
    gid: header.gid ?? 0,
    size: header.size ?? 0,
    mtimeMs: header.mtime?.getTime() ?? 0,
    linkpath: ex.linkpath ?? header.linkpath ?? '',
    devmaj: header.devmaj,
    devmin: header.devmin,
    offset,
  }
}

/**
 * Walks a tar archive's members in order, calling `onEntry` for each file system member (pax and
 * GNU long-name headers applied). Bodies are skipped unless `onEntry` reads them, so an archive
 * read in place costs one read per header, not per byte. Headers are decoded by node-tar; a bad
 * checksum, a truncated member or more than MAX_TAR_ENTRIES members is IMAGE_MALFORMED.
 */
export async function walkTar(
  source: TarSource,
  where: string,
  onEntry: (entry: TarEntry, readBody: ReadBody) => Promise<void>,
): Promise<void> {
  let ex: HeaderData = {}
  let gex: HeaderData = {}
  for (let count = 0; ; count++) {
    if (count > MAX_TAR_ENTRIES) throw imageError('IMAGE_MALFORMED', `${where}: more than ${MAX_TAR_ENTRIES} members`)
    const block = await source.read(BLOCK)
    if (block.length === 0) return
    if (block.length < BLOCK) throw imageError('IMAGE_MALFORMED', `${where}: the archive ends inside a header`)
    const header = decodeHeader(block, ex, gex, `${where}: the tar header at byte ${source.position - BLOCK}`)
    if (header.nullBlock) return
    if (!header.cksumValid)
      throw imageError(
        'IMAGE_MALFORMED',
        `${where}: a tar header at byte ${source.position - BLOCK} has a bad checksum`,
      )
    const size = header.size ?? 0
    switch (header.type) {
      case 'ExtendedHeader':
      case 'OldExtendedHeader':
        ex = parsePax(await readMeta(source, size, where), ex, false, where)
        continue
      case 'GlobalExtendedHeader':
        gex = parsePax(await readMeta(source, size, where), gex, true, where)
        continue
      case 'NextFileHasLongPath':
      case 'OldGnuLongPath':
        ex = {...ex, path: (await readMeta(source, size, where)).replace(/\0.*/s, '')}
        continue
      case 'NextFileHasLongLinkpath':
        ex = {...ex, linkpath: (await readMeta(source, size, where)).replace(/\0.*/s, '')}
        continue
    }
    const entry = toEntry(header, ex, source.position)
    ex = {}
    let consumed = 0
    await onEntry(entry, async (max) => {
      if (consumed > 0) throw new Error('a tar member body is read once')
      const data = await source.read(Math.min(max, size))
      consumed = data.length
      return data
    })
    await source.skip(padded(size) - consumed)
    if (source.position < entry.offset + padded(size))
      throw imageError('IMAGE_MALFORMED', `${where}: the archive ends inside ${entry.path}`)
  }
}
