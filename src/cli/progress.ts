import type {Ora} from 'ora'

import type {OnProgress, ProgressEvent} from '../core/progress.js'
import {formatBytes} from '../core/format.js'

/** Formats one progress event as a single status line: phase, counts, rate and ETA. */
export function describeProgress(event: ProgressEvent, startedMs: number, nowMs: number): string {
  const parts = [event.phase]
  if (event.done !== undefined) {
    const bytes = event.unit === 'bytes'
    const done = bytes ? formatBytes(event.done) : String(event.done)
    const total = event.total === undefined ? '' : ` / ${bytes ? formatBytes(event.total) : event.total}`
    parts.push(`${done}${total}${bytes || !event.unit ? '' : ` ${event.unit}`}`)
    const seconds = (nowMs - startedMs) / 1000
    if (seconds > 0.5 && event.done > 0) {
      const rate = event.done / seconds
      parts.push(bytes ? `${(rate / 1e6).toFixed(0)} MB/s` : `${rate.toFixed(0)}/s`)
      if (event.total !== undefined && event.total > event.done) {
        parts.push(`ETA ${Math.ceil((event.total - event.done) / rate)}s`)
      }
    }
    if (event.total) parts.unshift(`${Math.floor((100 * event.done) / event.total)}%`.padStart(4))
  }
  if (event.detail) parts.push(event.detail)
  return parts.join('  ')
}

/**
 * A progress callback that draws an ora spinner with counts on stderr, redrawn at most
 * every 100 ms. Call `stop()` when the work ends. ora loads in the background (it costs about
 * 50 ms of start-up, which runs without a terminal never pay); events until then keep the latest.
 */
export function createSpinnerProgress(stream: NodeJS.WriteStream): {onProgress: OnProgress; stop: () => void} {
  let spinner: Ora | undefined
  let makeSpinner: ((stream: NodeJS.WriteStream) => Ora) | undefined
  let latest: ProgressEvent | undefined
  let stopped = false
  let started = 0
  let lastDraw = 0
  const onProgress: OnProgress = (event) => {
    const now = Date.now()
    latest = event
    if (started === 0) started = now
    if (!makeSpinner || stopped) return
    spinner ??= makeSpinner(stream)
    if (now - lastDraw < 100 && event.done !== event.total) return
    lastDraw = now
    spinner.text = describeProgress(event, started, now)
  }
  void import('ora').then(({default: ora}) => {
    makeSpinner = (out) => ora({stream: out, discardStdin: false}).start()
    if (latest) onProgress(latest)
  })
  return {
    onProgress,
    stop() {
      stopped = true
      spinner?.stop()
      spinner = undefined
    },
  }
}
