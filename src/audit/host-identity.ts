import {hostname} from 'node:os'

import {describeError} from '../core/errors.js'
import {RootReader, type FactCache} from './facts/index.js'

/** Who was audited, as reports name it. */
export interface AuditedHost {
  host: string
  os: string | null
}

/** The first line of hostname(5), trimmed; null when the file is absent, unreadable or empty. */
async function imageHostname(root: string): Promise<string | null> {
  const text = await new RootReader(root).text('/etc/hostname', 4096)
  return text?.split('\n')[0].trim().slice(0, 255) || null
}

/**
 * The audited host's name and OS: under --root the image's /etc/hostname and os-release, never
 * this machine's; on the live host this machine's. `hostName` (--host-name) overrides the name.
 */
export async function auditedHost(facts: FactCache, hostName?: string): Promise<AuditedHost> {
  let os: string | null = null
  try {
    os = (await facts.get('os')).prettyName
  } catch (error) {
    os = `unknown (${describeError(error)})`
  }
  if (hostName) return {host: hostName, os}
  if (facts.env.live) return {host: hostname(), os}
  return {host: (await imageHostname(facts.env.root)) ?? 'unknown', os}
}
