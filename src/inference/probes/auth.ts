import {describeError} from '../../core/errors.js'
import {VLLM} from '../../hardware/index.js'
import type {SmokeCheck} from '../inference.types.js'
import {chatCompletion} from '../openai-client.js'
import {probeWithControl, routeShows} from './control.js'
import {AUTH_REFUSED, excerpt, makeCheck, type ProbeContext} from './probe-context.js'

/**
 * Routes vLLM serves outside /v1, which its --api-key middleware does not guard, plus the
 * LoRA admin routes. Each is probed without credentials with a malformed JSON body (or a GET),
 * which vLLM rejects before doing anything.
 */
const VLLM_UNGUARDED_ROUTES: {method: 'GET' | 'POST'; path: string}[] = [
  {method: 'POST', path: '/invocations'},
  {method: 'POST', path: '/tokenize'},
  {method: 'POST', path: '/detokenize'},
  {method: 'POST', path: '/pooling'},
  {method: 'POST', path: '/score'},
  {method: 'POST', path: '/rerank'},
  {method: 'POST', path: '/classify'},
  {method: 'GET', path: '/metrics'},
  {method: 'GET', path: '/version'},
  {method: 'POST', path: '/v1/load_lora_adapter'},
  {method: 'POST', path: '/v1/unload_lora_adapter'},
]

/** The body sent to POST routes by probes: JSON that cannot parse, so nothing runs. */
export const MALFORMED_JSON = '{'

/** auth.required: a completion without credentials must be refused with 401 or 403. */
export async function checkAuthRequired(ctx: ProbeContext): Promise<SmokeCheck> {
  try {
    const res = await chatCompletion(ctx.target, {
      messages: [{role: 'user', content: 'hi'}],
      maxTokens: 1,
      withoutAuth: true,
    })
    const status = res.status
    if (AUTH_REFUSED.has(status)) {
      return makeCheck('auth.required', 'pass', 'info', `a completion without credentials was refused (HTTP ${status})`)
    }
    if (status >= 200 && status < 300) {
      return makeCheck('auth.required', 'fail', 'high', `a completion without credentials was served (HTTP ${status})`)
    }
    const why = `a completion without credentials answered HTTP ${status}, not 401/403: ${excerpt(res.response.body)}`
    return makeCheck('auth.required', 'warn', 'medium', why)
  } catch (error) {
    return makeCheck('auth.required', 'warn', 'medium', describeError(error))
  }
}

/** auth.unguarded-routes: for vLLM, routes its API key does not guard, tried without credentials. */
export async function checkUnguardedRoutes(ctx: ProbeContext): Promise<SmokeCheck> {
  if (ctx.server.kind !== VLLM.id) {
    return makeCheck('auth.unguarded-routes', 'skip', 'info', `not a vLLM server (${ctx.server.kind})`)
  }
  const open: string[] = []
  const refused: string[] = []
  for (const route of VLLM_UNGUARDED_ROUTES) {
    const answer = await probeWithControl(ctx, route.path, {
      method: route.method,
      withoutAuth: true,
      body: route.method === 'POST' ? MALFORMED_JSON : undefined,
    })
    const {res} = answer
    if (!res || res.status === 404 || res.status === 405) continue
    if (AUTH_REFUSED.has(res.status)) refused.push(route.path)
    // The route answered unlike a random path with the same request: it exists and ran.
    else if (routeShows(answer, (r) => r.status === res.status)) {
      open.push(`${route.method} ${route.path} → ${res.status}`)
    }
  }
  const data = {open, refused}
  if (open.length === 0) {
    return makeCheck('auth.unguarded-routes', 'pass', 'info', `no route answered without credentials`, data)
  }
  // Without an API key configured everything is open anyway; auth.required reports that.
  const severity = ctx.target.apiKey ? 'high' : 'medium'
  return makeCheck('auth.unguarded-routes', 'fail', severity, `answered without credentials: ${open.join(', ')}`, data)
}
