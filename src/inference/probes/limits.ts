import {describeError} from '../../core/errors.js'
import type {SmokeCheck} from '../inference.types.js'
import {authHeaders, chatCompletion} from '../openai-client.js'
import {AUTH_REFUSED, makeCheck, probeRequest, type ProbeContext} from './probe-context.js'

/** A max_tokens no model context holds. */
const ABSURD_MAX_TOKENS = 100_000_000

/**
 * limits.max-tokens: is an absurd max_tokens accepted? The request streams and the
 * connection is dropped as soon as the status arrives, so an accepting server stops early.
 */
export async function checkMaxTokens(ctx: ProbeContext): Promise<SmokeCheck> {
  const body = JSON.stringify({
    model: ctx.target.model ?? 'default',
    messages: [{role: 'user', content: 'hi'}],
    max_tokens: ABSURD_MAX_TOKENS,
    stream: true,
  })
  const {res, reason} = await probeRequest(ctx, '/v1/chat/completions', {
    method: 'POST',
    body,
    headersOnly: true,
    headers: {...authHeaders(ctx.target), accept: 'text/event-stream'},
  })
  if (!res) return makeCheck('limits.max-tokens', 'skip', 'info', `request failed: ${reason}`)
  if (AUTH_REFUSED.has(res.status))
    return makeCheck('limits.max-tokens', 'skip', 'info', `HTTP ${res.status}: pass --api-key`)
  if (res.status >= 400 && res.status < 500) {
    return makeCheck(
      'limits.max-tokens',
      'pass',
      'info',
      `max_tokens=${ABSURD_MAX_TOKENS} was rejected (HTTP ${res.status})`,
    )
  }
  if (res.status >= 200 && res.status < 300) {
    const evidence = `max_tokens=${ABSURD_MAX_TOKENS} was accepted (HTTP ${res.status}): one request can hold a slot for the whole context`
    return makeCheck('limits.max-tokens', 'warn', 'medium', evidence)
  }
  return makeCheck('limits.max-tokens', 'warn', 'low', `max_tokens=${ABSURD_MAX_TOKENS} answered HTTP ${res.status}`)
}

/** limits.rate: a short bounded burst of one-token requests; any 429 means a rate limit exists. */
export async function checkRate(ctx: ProbeContext): Promise<SmokeCheck> {
  const statuses: number[] = []
  try {
    const requests = Array.from({length: ctx.burst}, () =>
      chatCompletion(ctx.target, {messages: [{role: 'user', content: 'hi'}], maxTokens: 1}).then(
        (r) => statuses.push(r.status),
        () => statuses.push(0),
      ),
    )
    await Promise.all(requests)
  } catch (error) {
    return makeCheck('limits.rate', 'skip', 'info', describeError(error))
  }
  const limited = statuses.filter((s) => s === 429).length
  const refused = statuses.filter((s) => AUTH_REFUSED.has(s)).length
  const data = {burst: ctx.burst, limited, ok: statuses.filter((s) => s === 200).length}
  if (refused === statuses.length)
    return makeCheck('limits.rate', 'skip', 'info', 'requests refused: pass --api-key', data)
  if (limited > 0) {
    return makeCheck(
      'limits.rate',
      'pass',
      'info',
      `${limited} of ${ctx.burst} burst requests were rate-limited (429)`,
      data,
    )
  }
  return makeCheck('limits.rate', 'warn', 'low', `no 429 in a burst of ${ctx.burst} requests: no rate limit seen`, data)
}
