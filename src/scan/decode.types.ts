import type {MessagePort} from 'node:worker_threads'

/** Formats the decoder thread reads with 7-Zip. */
export type DecodeKind = 'xz' | 'lzma' | 'bzip2' | '7z'

export interface DecodeRequest {
  kind: DecodeKind
  /** The compressed bytes, on a SharedArrayBuffer: 7-Zip reads them in place, nothing is copied. */
  input: Uint8Array
  /** Bytes of memory 7-Zip may use beyond its initial heap: heap growth plus output chunks together. */
  memory: number
  /** Output bytes (all members together) past which decoding stops. */
  maxOutput: number
  /** Members of a 7z archive past which it is not extracted. */
  maxMembers: number
  /** The reply goes here; `signal[0]` turns 1 once it is posted. */
  port: MessagePort
  signal: Int32Array
}

/** A member of a 7z archive: `size` bytes at `offset` of the output ('' and the whole output for a stream). */
export interface DecodedMember {
  name: string
  offset: number
  size: number
}

type DecodeProblem = 'too-large' | 'corrupt' | 'encrypted' | 'failed'

/**
 * The output as chunks of CHUNK_BYTES on SharedArrayBuffers (shared with the scanning thread, never
 * copied), `size` bytes in all. `corrupt`: the stream broke after these bytes had been decoded.
 */
export type DecodeReply =
  | {chunks: Uint8Array[]; size: number; members: DecodedMember[]; corrupt?: string}
  | {problem: DecodeProblem; detail: string}
