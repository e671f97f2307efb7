import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join, posix} from 'node:path'

import {runTool} from '../../core/exec.js'
import {globToRegExp} from '../../core/glob.js'
import {evaluatePacket, mostOpen, parseIptablesSave, parseNftJson, unmatchedPacket} from '../../network/index.js'
import type {Ruleset} from '../../network/index.js'
import type {RootReader} from './rootfs.js'

/** What the firewall engine says an unsolicited inbound packet meets under a persisted ruleset. */
export interface PersistedPolicy {
  /** True when dropped or rejected over IPv4 and IPv6; null when the ruleset could not be evaluated. */
  defaultDeny: boolean | null
  /** The rule or policy that decides (`policy drop` of inet filter input), or why nothing could be judged. */
  decidedBy: string
}

/** nft's include search path for relative names (nft(8): the default include path). */
const NFT_INCLUDE_DIR = '/etc'
const MAX_INCLUDE_DEPTH = 8
const MAX_CONFIG_BYTES = 4 * 1024 * 1024

/** The files an nft `include` names (a glob matches in name order, as nft does). */
async function includedFiles(reader: RootReader, name: string): Promise<string[]> {
  const full = name.startsWith('/') ? name : posix.join(NFT_INCLUDE_DIR, name)
  if (!/[*?[]/.test(full)) return [full]
  const glob = globToRegExp(posix.basename(full))
  const dir = posix.dirname(full)
  return (await reader.list(dir)).filter((n) => glob.test(n)).map((n) => posix.join(dir, n))
}

/**
 * The configuration with every `include "…"` replaced by the included files' text, read inside
 * the audited root (an include must never reach the auditing host's own files).
 */
export async function flattenNftConfig(reader: RootReader, path: string, depth = 0): Promise<string | null> {
  const text = await reader.text(path, MAX_CONFIG_BYTES)
  if (text === null) return null
  const out: string[] = []
  for (const line of text.split('\n')) {
    const include = /^\s*include\s+"([^"]+)"\s*(#.*)?$/.exec(line)
    if (!include) {
      out.push(line)
      continue
    }
    if (depth >= MAX_INCLUDE_DEPTH) throw new Error(`${path}: includes nested deeper than ${MAX_INCLUDE_DEPTH}`)
    for (const file of await includedFiles(reader, include[1])) {
      const inner = await flattenNftConfig(reader, file, depth + 1)
      if (inner === null) throw new Error(`${path}: cannot read the included ${file}`)
      out.push(inner)
    }
  }
  return out.join('\n')
}

/** The default inbound verdict of a ruleset over IPv4 and IPv6, by the firewall engine. */
function inboundPolicy(ruleset: Ruleset, families: (4 | 6)[]): PersistedPolicy {
  const decisions = families.map((f) => evaluatePacket(ruleset, unmatchedPacket('in', f)))
  const verdict = mostOpen(decisions.map((d) => d.verdict))
  const open = decisions.find((d) => d.verdict === verdict) ?? decisions[0]
  const where = open.table ? `${open.table} ${open.chain}: ` : ''
  const decidedBy = `${where}${open.rule ?? 'no base input chain (accept)'}`
  if (verdict === 'unknown') return {defaultDeny: null, decidedBy: `undecided by the rules (${decidedBy})`}
  return {defaultDeny: verdict === 'drop' || verdict === 'reject', decidedBy}
}

/**
 * Loads an nftables configuration into a throw-away user and network namespace (`unshare -rn`),
 * lists it as JSON there and judges it with the firewall engine: comments, variables, includes and
 * syntax are nft's own, so `# policy drop;` is no policy. Nothing touches the host's ruleset.
 */
export async function nftConfigPolicy(text: string): Promise<PersistedPolicy> {
  const dir = await mkdtemp(join(tmpdir(), 'llmsec-nft-'))
  try {
    const file = join(dir, 'nftables.conf')
    await writeFile(file, text, {mode: 0o600})
    const input = `include "${file}"\nlist ruleset\n`
    const run = await runTool('unshare', ['--map-root-user', '--net', 'nft', '-j', '-i'], {input, timeoutMs: 15_000})
    if (run.status !== 'ok') return {defaultDeny: null, decidedBy: `nft could not load it: ${run.reason}`}
    // nft -i reports errors on stderr and still exits 0; any error means the file does not load at boot.
    const error = /Error: (.*)$/m.exec(run.stderr)?.[1]
    if (error) return {defaultDeny: null, decidedBy: `nft rejects it: ${error.replaceAll(file, 'nftables.conf')}`}
    return inboundPolicy(parseNftJson(run.stdout.trim().split('\n').at(-1) ?? ''), [4, 6])
  } finally {
    await rm(dir, {recursive: true, force: true})
  }
}

/** The INPUT policy of a persisted `iptables-save` file (rules.v4), by the firewall engine. */
export function iptablesConfigPolicy(text: string, family: 4 | 6): PersistedPolicy {
  return inboundPolicy(parseIptablesSave(text, family === 4 ? 'ip' : 'ip6', 'iptables-legacy'), [family])
}
