import {randomBytes} from 'node:crypto'

import type {HttpOptions, HttpResponse} from '../http-client.js'
import {probeRequest, type ProbeContext} from './probe-context.js'

/** A path no server routes: random, so a catch-all cannot special-case it. */
export function controlPath(): string {
  return `/llmsec-control-${randomBytes(8).toString('hex')}`
}

/** One probe and the answer its control got (the same request to a random path). */
export interface ControlledAnswer {
  res: HttpResponse | null
  control: HttpResponse | null
  reason: string | null
}

type ProbeOptions = HttpOptions & {withoutAuth?: boolean}

function controlKey(options: ProbeOptions): string {
  return JSON.stringify([options.method ?? 'GET', options.body ?? null, options.withoutAuth ?? false, options.headers])
}

/**
 * Sends a probe and, once per distinct method/body/headers in a run, the same request to a
 * random path. A finding that rests on a route existing must hold for the route and not for the
 * control: a server that answers every path alike (an Express catch-all rejecting any malformed
 * body with 400) proves nothing about the route.
 */
export async function probeWithControl(
  ctx: ProbeContext,
  path: string,
  options: ProbeOptions,
): Promise<ControlledAnswer> {
  const key = controlKey(options)
  let pending = ctx.controls.get(key)
  if (!pending) {
    pending = probeRequest(ctx, controlPath(), options).then((r) => r.res)
    ctx.controls.set(key, pending)
  }
  const {res, reason} = await probeRequest(ctx, path, options)
  return {res, control: await pending, reason}
}

/**
 * Whether `holds` is true of the route's answer and false of the control's. A control that could
 * not be sent proves nothing either way, so the finding is not made.
 */
export function routeShows(answer: ControlledAnswer, holds: (res: HttpResponse) => boolean): boolean {
  return answer.res !== null && answer.control !== null && holds(answer.res) && !holds(answer.control)
}
