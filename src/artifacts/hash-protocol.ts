import type {RangeRequest} from './hash-range.js'

/** Messages between hash-pool.ts and its worker threads. */
export interface HashRequest extends RangeRequest {
  id: number
}

export type HashResponse =
  | {id: number; type: 'progress'; bytes: number}
  | {id: number; type: 'done'; digest: string; bytes: number}
  | {id: number; type: 'error'; code: string; message: string}
