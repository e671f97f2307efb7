import {isLoopbackAddress} from '../../core/net.js'
import {OLLAMA} from '../../hardware/index.js'
import type {SmokeCheck} from '../inference.types.js'
import {AUTH_REFUSED, makeCheck, probeRequest, type ProbeContext} from './probe-context.js'

/** A name no deployment serves (RFC 2606): only sent as a Host header, never resolved or contacted. */
const FOREIGN_HOST = 'attacker.example'

/**
 * host.rebinding: a loopback server that answers a request whose Host header names a foreign
 * site. A web page on that site can re-point its name at 127.0.0.1 (DNS rebinding) and read the
 * answers from the visitor's browser. The same GET with the real Host is the control: it must
 * succeed. The foreign one is sent without credentials, as the page would; a key requirement stops it.
 */
export async function checkHostRebinding(ctx: ProbeContext): Promise<SmokeCheck> {
  const url = new URL(ctx.target.baseUrl)
  if (!isLoopbackAddress(url.hostname)) {
    return makeCheck(
      'host.rebinding',
      'skip',
      'info',
      `not a loopback address (${url.hostname}): rebinding targets local servers`,
    )
  }
  const path = ctx.server.kind === OLLAMA.id ? '/api/tags' : '/v1/models'
  const normal = await probeRequest(ctx, path)
  if (!normal.res || normal.res.status !== 200) {
    const why = normal.res ? `HTTP ${normal.res.status}` : normal.reason
    return makeCheck('host.rebinding', 'skip', 'info', `GET ${path} with the real Host did not succeed (${why})`)
  }
  // Without credentials: a page in the victim's browser does not know the API key.
  const foreign = await probeRequest(ctx, path, {headers: {host: FOREIGN_HOST}, withoutAuth: true})
  if (!foreign.res) return makeCheck('host.rebinding', 'pass', 'info', `Host: ${FOREIGN_HOST} was not answered`)
  const status = foreign.res.status
  if (status === 200) {
    const evidence = `GET ${path} with Host: ${FOREIGN_HOST} is answered (HTTP 200): a web page can reach this server through DNS rebinding`
    return makeCheck('host.rebinding', 'fail', 'medium', evidence, {path, status})
  }
  const how = AUTH_REFUSED.has(status) || status === 400 || status === 421 ? 'refused' : 'not served'
  return makeCheck('host.rebinding', 'pass', 'info', `Host: ${FOREIGN_HOST} ${how} (HTTP ${status})`, {path, status})
}
