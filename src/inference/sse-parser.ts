import {inferenceError} from './errors.js'

/** One server-sent event (https://html.spec.whatwg.org/multipage/server-sent-events.html). */
export interface SseEvent {
  event: string
  data: string
  id?: string
}

export interface SseLimits {
  /** Longest line accepted, in characters (default 1 MiB). */
  maxLineChars?: number
  /** Largest event (all its data lines) accepted, in characters (default 4 MiB). */
  maxEventChars?: number
}

const DEFAULT_MAX_LINE = 1024 * 1024
const DEFAULT_MAX_EVENT = 4 * 1024 * 1024

/**
 * An incremental SSE parser. Feed it decoded text as it arrives; it returns the events that
 * completed. Line and event sizes are bounded so a hostile server cannot exhaust memory.
 */
export class SseParser {
  private pending = ''
  private data: string[] = []
  private dataChars = 0
  private eventName = ''
  private lastId: string | undefined
  private skipLeadingLf = false
  private readonly maxLine: number
  private readonly maxEvent: number

  constructor(limits: SseLimits = {}) {
    this.maxLine = limits.maxLineChars ?? DEFAULT_MAX_LINE
    this.maxEvent = limits.maxEventChars ?? DEFAULT_MAX_EVENT
  }

  /** Parses a chunk of text and returns the events it completed (possibly none). */
  feed(chunk: string): SseEvent[] {
    const events: SseEvent[] = []
    let text = this.pending.length > 0 ? this.pending + chunk : chunk
    let start = 0
    if (this.skipLeadingLf && text.length > 0) {
      if (text.charCodeAt(0) === 10) start = 1
      this.skipLeadingLf = false
    }
    // CR positions are looked up once per chunk, not per line: most servers send LF only.
    let cr = text.indexOf('\r', start)
    for (;;) {
      if (cr !== -1 && cr < start) cr = text.indexOf('\r', start)
      const lf = text.indexOf('\n', start)
      const end = cr === -1 ? lf : lf === -1 ? cr : Math.min(cr, lf)
      if (end === -1) break
      this.handleLine(text.slice(start, end), events)
      // A CR at the very end may be the first half of CRLF: skip the LF in the next chunk.
      if (text.charCodeAt(end) === 13) {
        if (end + 1 === text.length) this.skipLeadingLf = true
        else if (text.charCodeAt(end + 1) === 10) {
          start = end + 2
          continue
        }
      }
      start = end + 1
    }
    text = start === 0 ? text : text.slice(start)
    if (text.length > this.maxLine) {
      throw inferenceError('SSE_MALFORMED', `The server sent an SSE line longer than ${this.maxLine} characters.`)
    }
    this.pending = text
    return events
  }

  /** Ends the stream: a final event without its blank line is dispatched, as browsers do not. */
  end(): SseEvent[] {
    const events: SseEvent[] = []
    if (this.pending.length > 0) this.handleLine(this.pending, events)
    this.pending = ''
    return events
  }

  private handleLine(line: string, events: SseEvent[]): void {
    if (line.length > this.maxLine) {
      throw inferenceError('SSE_MALFORMED', `The server sent an SSE line longer than ${this.maxLine} characters.`)
    }
    if (line.length === 0) {
      this.dispatch(events)
      return
    }
    if (line.charCodeAt(0) === 58) return // ":" comment (keep-alive)
    const colon = line.indexOf(':')
    const field = colon === -1 ? line : line.slice(0, colon)
    let value = colon === -1 ? '' : line.slice(colon + 1)
    if (value.charCodeAt(0) === 32) value = value.slice(1)
    if (field === 'data') {
      this.dataChars += value.length + 1
      if (this.dataChars > this.maxEvent) {
        throw inferenceError('SSE_MALFORMED', `The server sent an SSE event larger than ${this.maxEvent} characters.`)
      }
      this.data.push(value)
    } else if (field === 'event') this.eventName = value
    else if (field === 'id' && !value.includes('\0')) this.lastId = value
  }

  private dispatch(events: SseEvent[]): void {
    if (this.data.length > 0) {
      const event: SseEvent = {event: this.eventName || 'message', data: this.data.join('\n')}
      if (this.lastId !== undefined) event.id = this.lastId
      events.push(event)
    }
    this.data = []
    this.dataChars = 0
    this.eventName = ''
  }
}
