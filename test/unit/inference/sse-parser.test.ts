import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {SseParser, type SseEvent} from '../../../src/inference/sse-parser.js'

function parseAll(chunks: string[], limits = {}): SseEvent[] {
  const parser = new SseParser(limits)
  const events = chunks.flatMap((c) => parser.feed(c))
  return [...events, ...parser.end()]
}

describe('SseParser', () => {
  it('parses data, event and id fields and ignores comments', () => {
    const events = parseAll([': keep-alive\n', 'event: delta\nid: 7\ndata: {"a":1}\n\n', 'data: x\ndata: y\n\n'])
    expect(events).toEqual([
      {event: 'delta', data: '{"a":1}', id: '7'},
      {event: 'message', data: 'x\ny', id: '7'},
    ])
  })

  it('handles CRLF and CR line ends split across chunks', () => {
    expect(parseAll(['data: a\r', '\n\r', '\ndata: b\r\r'])).toEqual([
      {event: 'message', data: 'a'},
      {event: 'message', data: 'b'},
    ])
  })

  it('gives the same events however the stream is chunked (fuzzed)', () => {
    const field = fc.stringMatching(/^[a-z0-9 {}":,]{0,20}$/)
    const stream = fc
      .array(fc.tuple(field, fc.constantFrom('\n', '\r\n', '\r')), {maxLength: 30})
      .map((events) => events.map(([data, eol]) => `data: ${data}${eol}${eol}`).join(''))
    fc.assert(
      fc.property(stream, fc.array(fc.nat(), {maxLength: 10}), (text, cuts) => {
        const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b)
        const chunks: string[] = []
        let last = 0
        for (const p of points) {
          chunks.push(text.slice(last, p))
          last = p
        }
        chunks.push(text.slice(last))
        expect(parseAll(chunks)).toEqual(parseAll([text]))
      }),
    )
  })

  it('never throws anything but its own bounded-size error on arbitrary input (fuzzed)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({maxLength: 200}), {maxLength: 20}), (chunks) => {
        try {
          parseAll(chunks, {maxLineChars: 64, maxEventChars: 256})
        } catch (error) {
          expect((error as {code?: string}).code).toBe('SSE_MALFORMED')
        }
      }),
    )
  })

  it('refuses a line longer than the limit even when it never ends', () => {
    const parser = new SseParser({maxLineChars: 100})
    expect(() => {
      for (let i = 0; i < 10; i++) parser.feed('x'.repeat(20))
    }).toThrow(/longer than 100/)
  })

  it('refuses an event larger than the limit', () => {
    const parser = new SseParser({maxEventChars: 50})
    expect(() => parser.feed('data: 0123456789\n'.repeat(10))).toThrow(/larger than 50/)
  })
})
