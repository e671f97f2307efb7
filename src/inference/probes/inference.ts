import {describeError} from '../../core/errors.js'
import type {SmokeCheck} from '../inference.types.js'
import {chatCompletion, listModels, streamChat} from '../openai-client.js'
import {AUTH_REFUSED, excerpt, makeCheck, type ProbeContext} from './probe-context.js'

const PROMPT = [{role: 'user' as const, content: 'Say hello in one short sentence.'}]

function authSkip(id: string, status: number): SmokeCheck {
  return makeCheck(id, 'skip', 'info', `HTTP ${status}: the server wants credentials; pass --api-key.`)
}

/** inference.models: GET /v1/models lists at least one model. */
export async function checkModels(ctx: ProbeContext): Promise<{check: SmokeCheck; models: string[]}> {
  try {
    const {response, models} = await listModels(ctx.target)
    if (AUTH_REFUSED.has(response.status)) return {check: authSkip('inference.models', response.status), models}
    if (response.status !== 200 || models.length === 0) {
      const why = `GET /v1/models answered HTTP ${response.status} with ${models.length} models: ${excerpt(response.body)}`
      return {check: makeCheck('inference.models', 'fail', 'high', why), models}
    }
    return {
      check: makeCheck(
        'inference.models',
        'pass',
        'info',
        `${models.length} model(s): ${models.slice(0, 5).join(', ')}`,
        {
          models,
        },
      ),
      models,
    }
  } catch (error) {
    return {check: makeCheck('inference.models', 'fail', 'high', describeError(error)), models: []}
  }
}

/** inference.completion: a non-streamed completion at temperature 0 returns text. */
export async function checkCompletion(ctx: ProbeContext): Promise<SmokeCheck> {
  try {
    const res = await chatCompletion(ctx.target, {messages: PROMPT, maxTokens: 16, temperature: 0})
    if (AUTH_REFUSED.has(res.status)) return authSkip('inference.completion', res.status)
    if (res.status !== 200 || res.text.trim() === '') {
      const why = `HTTP ${res.status}, ${res.text.length} characters of text: ${excerpt(res.response.body)}`
      return makeCheck('inference.completion', 'fail', 'high', why)
    }
    const tokens = res.usage?.completionTokens ?? null
    const evidence = `${tokens ?? '?'} tokens in ${Math.round(res.response.durationMs)} ms: ${excerpt(res.text, 60)}`
    return makeCheck('inference.completion', 'pass', 'info', evidence, {
      completionTokens: tokens,
      durationMs: Math.round(res.response.durationMs),
    })
  } catch (error) {
    return makeCheck('inference.completion', 'fail', 'high', describeError(error))
  }
}

/** inference.stream: SSE tokens arrive and the stream ends with a usage block. */
export async function checkStream(ctx: ProbeContext): Promise<SmokeCheck> {
  try {
    const res = await streamChat(ctx.target, {messages: PROMPT, maxTokens: 16, temperature: 0})
    if (AUTH_REFUSED.has(res.status)) return authSkip('inference.stream', res.status)
    if (!res.ok || res.contentChunks === 0) {
      return makeCheck('inference.stream', 'fail', 'high', res.error ?? 'the stream carried no content chunks')
    }
    const data = {
      chunks: res.contentChunks,
      outputTokens: res.outputTokens,
      ttftMs: Math.round(res.ttftMs ?? 0),
      e2eMs: Math.round(res.e2eMs),
    }
    const timing = `${res.contentChunks} chunks, TTFT ${data.ttftMs} ms, total ${data.e2eMs} ms`
    if (!res.usageBlock) {
      return makeCheck('inference.stream', 'warn', 'low', `${timing}; no usage block at the end of the stream`, data)
    }
    return makeCheck('inference.stream', 'pass', 'info', `${timing}; usage block: ${res.outputTokens} tokens`, data)
  } catch (error) {
    return makeCheck('inference.stream', 'fail', 'high', describeError(error))
  }
}
