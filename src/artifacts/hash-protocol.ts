/** Messages between hash-pool.ts and its worker threads. */

export interface HashRequest {
  id: number
  path: string
  /** node:crypto algorithm name, e.g. sha256 or blake2b512. */
  algorithm: string
  /** First byte (inclusive). */
  start: number
  /** Last byte (exclusive); undefined hashes to the end of the file. */
  end?: number
}

export type HashResponse =
  | {id: number; type: 'progress'; bytes: number}
  | {id: number; type: 'done'; digest: string; bytes: number}
  | {id: number; type: 'error'; code: string; message: string}
