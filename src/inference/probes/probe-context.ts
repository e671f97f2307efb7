import {describeError} from '../../core/errors.js'
import type {OnProgress} from '../../core/progress.js'
import {httpRequest, type HttpOptions, type HttpResponse} from '../http-client.js'
import type {CheckStatus, EndpointTarget, ServerIdentity, Severity, SmokeCheck} from '../inference.types.js'
import {authHeaders} from '../openai-client.js'

/** What every endpoint probe gets: the target (with its model resolved) and the server identity. */
export interface ProbeContext {
  target: EndpointTarget
  server: ServerIdentity
  onProgress: OnProgress
  /** Seed for the canary and burst sizes, so runs are reproducible. */
  seed: number
  /** Requests in the limits.rate burst. */
  burst: number
  /** Control answers (a random path) by request shape, sent once per run. */
  controls: Map<string, Promise<HttpResponse | null>>
  /** The prompt-security families to run (`--prompts`), or null. */
  prompts: PromptFamilyOptions | null
}

/** How `smoke --prompts` samples: samples per prompt, sampling temperature, requests in flight. */
export interface PromptFamilyOptions {
  samples: number
  temperature: number
  concurrency?: number
}

export function makeCheck(
  id: string,
  status: CheckStatus,
  severity: Severity,
  evidence: string,
  data?: Record<string, unknown>,
): SmokeCheck {
  return data ? {id, status, severity, evidence, data} : {id, status, severity, evidence}
}

/** A request to a path of the target; network failures come back as null with a reason. */
export async function probeRequest(
  ctx: ProbeContext,
  path: string,
  options: HttpOptions & {withoutAuth?: boolean} = {},
): Promise<{res: HttpResponse | null; reason: string | null}> {
  try {
    const res = await httpRequest(`${ctx.target.baseUrl}${path}`, {
      timeoutMs: ctx.target.timeoutMs ?? 15_000,
      maxBodyBytes: 256 * 1024,
      insecure: ctx.target.insecure,
      ...options,
      headers: {...authHeaders(ctx.target, !options.withoutAuth), ...options.headers},
    })
    return {res, reason: null}
  } catch (error) {
    return {res: null, reason: describeError(error)}
  }
}

/** Status codes that mean "you need credentials" (or a proxy refused). */
export const AUTH_REFUSED = new Set([401, 403, 407])

/** A short, single-line excerpt of a response body for evidence. */
export function excerpt(body: string, max = 120): string {
  const line = body.replace(/\s+/g, ' ').trim()
  return line.length > max ? `${line.slice(0, max - 1)}…` : line
}
