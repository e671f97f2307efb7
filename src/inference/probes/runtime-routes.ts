import {LLAMA_CPP, RAY, TGI, TRITON, VLLM} from '../../hardware/index.js'
import type {HttpResponse} from '../http-client.js'
import type {SmokeCheck} from '../inference.types.js'
import {tryParseJson} from '../openai-client.js'
import {probeWithControl, routeShows} from './control.js'
import {AUTH_REFUSED, makeCheck, type ProbeContext} from './probe-context.js'

/*
 * Read-only probes of runtime-specific routes. Every request here is a GET without credentials;
 * none changes state. A finding needs the server identified as the runtime and the route's
 * answer to show the claim where a random path (the control) does not.
 */

type Json = Record<string, unknown>

const json = (res: HttpResponse): Json | unknown[] | null => {
  if (res.status !== 200) return null
  const parsed = tryParseJson(res.body)
  return parsed && typeof parsed === 'object' ? (parsed as Json | unknown[]) : null
}

const asObject = (res: HttpResponse): Json | null => {
  const value = json(res)
  return value && !Array.isArray(value) ? value : null
}

function notThisRuntime(ctx: ProbeContext, id: string, runtime: {id: string; name: string}): SmokeCheck | null {
  if (ctx.server.kind === runtime.id) return null
  return makeCheck(id, 'skip', 'info', `not identified as ${runtime.name} (${ctx.server.kind})`)
}

/** GET a route without credentials, with its control; the parsed answer when `holds` and the control does not. */
async function readRoute(
  ctx: ProbeContext,
  path: string,
  holds: (res: HttpResponse) => boolean,
  maxBodyBytes?: number,
): Promise<{shown: HttpResponse | null; refused: boolean}> {
  const answer = await probeWithControl(ctx, path, {method: 'GET', withoutAuth: true, maxBodyBytes})
  const refused = answer.res !== null && AUTH_REFUSED.has(answer.res.status)
  return {shown: routeShows(answer, holds) ? answer.res : null, refused}
}

/** llamacpp.slots-exposed: GET /slots lists the slots, with the prompts in them, to anyone. */
export async function checkLlamaSlots(ctx: ProbeContext): Promise<SmokeCheck> {
  const id = 'llamacpp.slots-exposed'
  const skip = notThisRuntime(ctx, id, LLAMA_CPP)
  if (skip) return skip
  const isSlots = (res: HttpResponse) => {
    const value = json(res)
    return Array.isArray(value) && value.some((s) => s && typeof s === 'object' && 'id' in s && 'n_ctx' in s)
  }
  const {shown, refused} = await readRoute(ctx, '/slots', isSlots)
  if (!shown) {
    return makeCheck(id, 'pass', 'info', refused ? 'GET /slots refused without credentials' : 'GET /slots not served')
  }
  const slots = json(shown) as Json[]
  const withPrompts = slots.filter((s) => typeof s.prompt === 'string' || Array.isArray(s.next_token)).length
  const evidence = `GET /slots lists ${slots.length} slots without credentials${withPrompts ? ` (${withPrompts} with prompt state)` : ''}: other users' prompts can be read (start llama-server without --slots, or with --api-key)`
  return makeCheck(id, 'fail', 'high', evidence, {slots: slots.length, withPrompts})
}

/** llamacpp.props-exposed: GET /props gives the model path, chat template and settings to anyone. */
export async function checkLlamaProps(ctx: ProbeContext): Promise<SmokeCheck> {
  const id = 'llamacpp.props-exposed'
  const skip = notThisRuntime(ctx, id, LLAMA_CPP)
  if (skip) return skip
  const {shown, refused} = await readRoute(ctx, '/props', (res) => asObject(res)?.default_generation_settings != null)
  if (!shown) {
    return makeCheck(id, 'pass', 'info', refused ? 'GET /props refused without credentials' : 'GET /props not served')
  }
  const props = asObject(shown)!
  const exposed = ['model_path', 'chat_template', 'system_prompt', 'total_slots', 'build_info'].filter(
    (key) => props[key] != null,
  )
  return makeCheck(
    id,
    'warn',
    'medium',
    `GET /props answers without credentials: ${exposed.join(', ') || 'settings'}`,
    {
      exposed,
    },
  )
}

/** Routes vLLM adds with VLLM_SERVER_DEV_MODE=1, or that change the engine's state. */
const VLLM_DEV_ROUTES = [
  '/reset_prefix_cache',
  '/reset_mm_cache',
  '/sleep',
  '/wake_up',
  '/is_sleeping',
  '/collective_rpc',
  '/server_info',
  '/start_profile',
  '/stop_profile',
  '/scale_elastic_ep',
  '/update_weights',
]

/** vllm.openapi-routes: /openapi.json read (never called) for dev-mode routes and routes outside /v1. */
export async function checkVllmOpenapi(ctx: ProbeContext): Promise<SmokeCheck> {
  const id = 'vllm.openapi-routes'
  const skip = notThisRuntime(ctx, id, VLLM)
  if (skip) return skip
  const isOpenapi = (res: HttpResponse) => {
    const doc = asObject(res)
    return typeof doc?.openapi === 'string' && !!doc.paths && typeof doc.paths === 'object'
  }
  const {shown, refused} = await readRoute(ctx, '/openapi.json', isOpenapi, 4 * 1024 * 1024)
  if (!shown) {
    const why = refused ? 'GET /openapi.json refused without credentials' : 'GET /openapi.json not served'
    return makeCheck(id, 'pass', 'info', why)
  }
  const paths = Object.keys(asObject(shown)!.paths as Json).slice(0, 1000)
  const dev = paths.filter((p) => VLLM_DEV_ROUTES.includes(p))
  const outsideV1 = paths.filter((p) => !p.startsWith('/v1/') && !['/health', '/ping', '/version'].includes(p))
  const data = {routes: paths.length, devRoutes: dev, outsideV1}
  if (dev.length > 0) {
    const evidence = `/openapi.json lists development routes (VLLM_SERVER_DEV_MODE): ${dev.join(', ')}; anyone reaching the port can call them (not called)`
    return makeCheck(id, 'fail', 'high', evidence, data)
  }
  const evidence = `/openapi.json is readable without credentials: ${paths.length} routes, ${outsideV1.length} outside /v1 (not guarded by --api-key): ${outsideV1.slice(0, 8).join(', ')}`
  return makeCheck(id, 'warn', 'low', evidence, data)
}

/** triton.model-control: the server metadata advertises the model repository (load/unload) API. */
export async function checkTritonModelControl(ctx: ProbeContext): Promise<SmokeCheck> {
  const id = 'triton.model-control'
  const skip = notThisRuntime(ctx, id, TRITON)
  if (skip) return skip
  const {shown} = await readRoute(ctx, '/v2', (res) => Array.isArray(asObject(res)?.extensions))
  if (!shown) return makeCheck(id, 'skip', 'info', 'GET /v2 (server metadata) not served')
  const extensions = (asObject(shown)!.extensions as unknown[]).filter((e): e is string => typeof e === 'string')
  const control = extensions.filter((e) => e.startsWith('model_repository'))
  const data = {extensions: extensions.slice(0, 50)}
  if (control.length === 0) return makeCheck(id, 'pass', 'info', 'no model repository extension advertised', data)
  const evidence = `GET /v2 advertises ${control.join(', ')} without credentials: with --model-control-mode=explicit anyone reaching the port can load and unload models (not called); restrict it with --http-restricted-api`
  return makeCheck(id, 'warn', 'high', evidence, data)
}

/** ray.jobs-exposed: the dashboard's Jobs API answers without credentials (submitting a job runs code). */
export async function checkRayJobs(ctx: ProbeContext): Promise<SmokeCheck> {
  const id = 'ray.jobs-exposed'
  const skip = notThisRuntime(ctx, id, RAY)
  if (skip) return skip
  const {shown, refused} = await readRoute(ctx, '/api/jobs/', (res) => Array.isArray(json(res)))
  if (!shown) {
    return makeCheck(
      id,
      'pass',
      'info',
      refused ? 'the Jobs API refused without credentials' : 'the Jobs API is not served',
    )
  }
  const jobs = (json(shown) as unknown[]).length
  const evidence = `GET /api/jobs/ lists ${jobs} jobs without credentials: whoever reaches this port can submit a job, i.e. run code on the cluster (not submitted)`
  return makeCheck(id, 'fail', 'critical', evidence, {jobs})
}

/** tgi.info-exposed: GET /info tells anyone the model, its revision and the server build. */
export async function checkTgiInfo(ctx: ProbeContext): Promise<SmokeCheck> {
  const id = 'tgi.info-exposed'
  const skip = notThisRuntime(ctx, id, TGI)
  if (skip) return skip
  const {shown, refused} = await readRoute(ctx, '/info', (res) => typeof asObject(res)?.model_id === 'string')
  if (!shown) {
    return makeCheck(id, 'pass', 'info', refused ? 'GET /info refused without credentials' : 'GET /info not served')
  }
  const info = asObject(shown)!
  const fields = ['model_id', 'model_sha', 'version', 'sha', 'docker_label', 'max_input_tokens'].filter(
    (k) => info[k] != null,
  )
  const fingerprint = Object.fromEntries(fields.map((k) => [k, String(info[k]).slice(0, 100)]))
  return makeCheck(id, 'warn', 'low', `GET /info answers without credentials: ${fields.join(', ')}`, {fingerprint})
}
