/** The part of pako (2.x, no bundled types) the stream decoder uses. */
declare module 'pako' {
  export class Inflate {
    constructor(options: {windowBits?: number; chunkSize?: number; raw?: boolean})
    push(data: Uint8Array, flush: boolean): boolean
    onData: (chunk: Uint8Array) => void
    /** Non-zero once the stream failed; `msg` says why. */
    err: number
    msg: string
    ended: boolean
    /** zlib's stream state: input bytes not consumed when the stream ended. */
    strm: {avail_in: number}
  }
}
