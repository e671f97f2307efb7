import type {MessagePort} from 'node:worker_threads'

/** Formats the decoder thread reads with 7-Zip. */
export type DecodeKind = 'xz' | 'lzma' | 'bzip2' | '7z'

export interface DecodeRequest {
  kind: DecodeKind
  input: Uint8Array
  /** Output bytes (all members together) past which decoding stops. */
  limit: number
  /** Members of a 7z archive past which it is not extracted. */
  maxMembers: number
  /** The reply goes here; `signal[0]` turns 1 once it is posted. */
  port: MessagePort
  signal: Int32Array
}

export interface DecodedMember {
  /** The member path inside a 7z archive; '' for a compressed stream. */
  name: string
  data: Uint8Array
}

type DecodeProblem = 'too-large' | 'corrupt' | 'encrypted' | 'failed'

/** `corrupt` with members: the stream broke after these bytes had been decoded. */
export type DecodeReply = {members: DecodedMember[]; corrupt?: string} | {problem: DecodeProblem; detail: string}
