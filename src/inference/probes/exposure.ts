import {isLoopbackAddress} from '../../core/net.js'
import {worstSeverity} from '../../core/severity.js'
import {findServerAdvisories} from '../../vulns/index.js'
import type {SmokeCheck} from '../inference.types.js'
import {AUTH_REFUSED, excerpt, makeCheck, probeRequest, type ProbeContext} from './probe-context.js'

/** An origin no deployment should trust; only used as a header value, never contacted. */
const FOREIGN_ORIGIN = 'https://llmsec-cors-probe.invalid'

/** transport.tls: plain HTTP off loopback fails; with https, the certificate must verify. */
export async function checkTransport(ctx: ProbeContext): Promise<SmokeCheck> {
  const url = new URL(ctx.target.baseUrl)
  if (url.protocol === 'http:') {
    if (isLoopbackAddress(url.hostname)) {
      return makeCheck('transport.tls', 'pass', 'info', `plain HTTP, but only on loopback (${url.hostname})`)
    }
    const evidence = `plain HTTP on ${url.hostname}: prompts, answers and API keys cross the network unencrypted`
    return makeCheck('transport.tls', 'fail', 'high', evidence)
  }
  // No credentials: the certificate is not trusted yet, so the key must not be sent.
  const {res, reason} = await probeRequest(ctx, '/v1/models', {insecure: true, withoutAuth: true})
  if (!res || !res.tls) return makeCheck('transport.tls', 'warn', 'medium', `TLS handshake failed: ${reason}`)
  const data = {protocol: res.tls.protocol, validTo: res.tls.validTo}
  if (!res.tls.authorized) {
    return makeCheck('transport.tls', 'fail', 'high', `the certificate does not verify: ${res.tls.error}`, data)
  }
  return makeCheck(
    'transport.tls',
    'pass',
    'info',
    `${res.tls.protocol}, certificate valid until ${res.tls.validTo}`,
    data,
  )
}

/** cors.origin: a wildcard or reflected Access-Control-Allow-Origin for a foreign origin. */
export async function checkCors(ctx: ProbeContext): Promise<SmokeCheck> {
  const findings: string[] = []
  let credentials = false
  const requests: {path: string; method: string; headers: Record<string, string>}[] = [
    {path: '/v1/models', method: 'GET', headers: {origin: FOREIGN_ORIGIN}},
    {
      path: '/v1/chat/completions',
      method: 'OPTIONS',
      headers: {
        origin: FOREIGN_ORIGIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    },
  ]
  for (const request of requests) {
    const {res} = await probeRequest(ctx, request.path, {method: request.method, headers: request.headers})
    const allow = res?.headers['access-control-allow-origin']
    if (!res || !allow) continue
    if (res.headers['access-control-allow-credentials'] === 'true') credentials = true
    if (allow.trim() === '*') findings.push(`${request.method} ${request.path}: Access-Control-Allow-Origin: *`)
    else if (allow.trim() === FOREIGN_ORIGIN) findings.push(`${request.method} ${request.path}: reflects the origin`)
  }
  if (findings.length === 0) return makeCheck('cors.origin', 'pass', 'info', 'a foreign origin is not allowed')
  const evidence = `${findings.join('; ')}${credentials ? '; with Access-Control-Allow-Credentials: true' : ''}`
  return makeCheck('cors.origin', 'fail', credentials ? 'high' : 'medium', evidence, {findings, credentials})
}

/** metrics.exposed: /metrics readable without credentials. */
export async function checkMetrics(ctx: ProbeContext): Promise<SmokeCheck> {
  const {res, reason} = await probeRequest(ctx, '/metrics', {withoutAuth: true})
  if (!res) return makeCheck('metrics.exposed', 'skip', 'info', `GET /metrics failed: ${reason}`)
  if (AUTH_REFUSED.has(res.status)) return makeCheck('metrics.exposed', 'pass', 'info', `refused (HTTP ${res.status})`)
  if (res.status === 200 && /^# (HELP|TYPE) /m.test(res.body)) {
    const series = res.body.split('\n').filter((l) => l && !l.startsWith('#')).length
    const evidence = `GET /metrics served ${series} Prometheus series without credentials`
    return makeCheck('metrics.exposed', 'fail', 'medium', evidence, {series})
  }
  return makeCheck(
    'metrics.exposed',
    'pass',
    'info',
    `not served (HTTP ${res.status}${res.body ? `: ${excerpt(res.body, 40)}` : ''})`,
  )
}

/** version.known-vulnerable: the identified version against llmsec's advisory data (the one `vulns` uses). */
export function checkVersion(ctx: ProbeContext): SmokeCheck {
  const {kind, version} = ctx.server
  if (kind === 'unknown' || !version) {
    return makeCheck('version.known-vulnerable', 'skip', 'info', `server version unknown (${kind})`)
  }
  const found = findServerAdvisories(kind, version)
  if (found.length === 0) {
    return makeCheck('version.known-vulnerable', 'pass', 'info', `${kind} ${version}: no listed CVE`)
  }
  const worst = worstSeverity(found.map((f) => f.severity))!
  const list = found.map((f) => `${f.cve} (${f.fixed ? `fixed in ${f.fixed}` : 'no fix published'})`).join(', ')
  return makeCheck('version.known-vulnerable', 'fail', worst, `${kind} ${version} is affected by ${list}`, {
    cves: found.map((f) => ({cve: f.cve, fixed: f.fixed, sources: f.sources})),
  })
}
