/**
 * Progress reported by long-running engine work. The engine never draws anything:
 * the CLI turns these events into a spinner or a progress bar on stderr.
 */
export interface ProgressEvent {
  /** What is being done, e.g. "hashing" or "scanning". */
  phase: string
  /** Units done so far (bytes, files…). */
  done?: number
  /** Total units, when known. */
  total?: number
  /** The unit of done/total; bytes are shown with MB/s and an ETA. */
  unit?: 'bytes' | 'files' | 'requests' | 'items'
  /** The item being worked on, e.g. a file name. */
  detail?: string
}

export type OnProgress = (event: ProgressEvent) => void

/** A progress callback that ignores everything (the default for library callers). */
export const noProgress: OnProgress = () => {}
