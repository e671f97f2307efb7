import {runTool} from '../../core/exec.js'
import type {FactProvider} from './cache.js'
import type {FirewallConfigFact, FirewallFact} from './fact-map.js'
import {readTextIn, statIn} from './rootfs.js'

interface NftChain {
  hook?: string
  type?: string
  policy?: string
}

/** Reads `nft -j list ruleset`: a drop policy on any input base chain makes the default deny. */
export function summariseNftJson(text: string): Pick<FirewallFact, 'inputPolicy' | 'ruleCount'> {
  const parsed = JSON.parse(text) as {nftables?: Record<string, unknown>[]}
  const items = parsed.nftables ?? []
  const inputs = items.map((i) => i.chain as NftChain | undefined).filter((c) => c?.hook === 'input')
  const ruleCount = items.filter((i) => 'rule' in i).length
  if (inputs.length === 0) return {inputPolicy: null, ruleCount}
  return {inputPolicy: inputs.some((c) => c?.policy === 'drop') ? 'drop' : 'accept', ruleCount}
}

/** Reads `iptables-save` output for the filter table's INPUT policy. */
export function summariseIptablesSave(text: string): Pick<FirewallFact, 'inputPolicy' | 'ruleCount'> {
  const policy = /^:INPUT\s+(\S+)/m.exec(text)?.[1]
  const ruleCount = text.split('\n').filter((line) => line.startsWith('-A ')).length
  if (!policy) return {inputPolicy: null, ruleCount}
  return {inputPolicy: policy === 'DROP' || policy === 'REJECT' ? 'drop' : 'accept', ruleCount}
}

/**
 * The loaded firewall of the running host (own implementation until the `firewall` engine
 * of issue 6 lands on main): nft first, then iptables-save.
 */
export const firewallProvider: FactProvider<'firewall'> = {
  id: 'firewall',
  live: true,
  async gather() {
    const nft = await runTool('nft', ['-j', 'list', 'ruleset'], {timeoutMs: 10_000})
    if (nft.status === 'ok') {
      try {
        return {tool: 'nft', ...summariseNftJson(nft.stdout)}
      } catch {
        // fall through to iptables
      }
    }
    const ipt = await runTool('iptables-save', ['-t', 'filter'], {timeoutMs: 10_000})
    if (ipt.status === 'ok') return {tool: 'iptables', ...summariseIptablesSave(ipt.stdout)}
    const why = [nft.reason, ipt.reason].filter(Boolean).join('; ')
    return {tool: null, inputPolicy: null, ruleCount: 0, unreadable: why || 'no firewall tool answered'}
  },
}

/** Whether an nftables config file has an input base chain with policy drop. */
export function nftConfigDefaultDeny(text: string): boolean {
  for (const block of text.split(/\bchain\s+/).slice(1)) {
    const body = block.split('}')[0]
    if (/hook\s+input\b/.test(body) && /policy\s+drop\b/.test(body)) return true
  }
  return false
}

async function unitEnabled(facts: Parameters<FactProvider['gather']>[1], names: string[]): Promise<boolean> {
  const systemd = await facts.get('systemd')
  if (!systemd.installed) return true
  return systemd.units.some((u) => names.includes(u.name) && u.enabled)
}

/** Firewall configuration persisted on disk (nftables, iptables-persistent, ufw, firewalld). */
export const firewallConfigProvider: FactProvider<'firewall.config'> = {
  id: 'firewall.config',
  async gather(env, facts) {
    const configs: FirewallConfigFact['configs'] = []
    const nft = await readTextIn(env.root, '/etc/nftables.conf')
    if (nft !== null) {
      const enabled = await unitEnabled(facts, ['nftables.service'])
      configs.push({source: 'nftables', path: '/etc/nftables.conf', defaultDeny: nftConfigDefaultDeny(nft), enabled})
    }
    for (const path of ['/etc/iptables/rules.v4', '/etc/sysconfig/iptables']) {
      const text = await readTextIn(env.root, path)
      if (text === null) continue
      const enabled = await unitEnabled(facts, ['netfilter-persistent.service', 'iptables.service'])
      configs.push({source: 'iptables', path, defaultDeny: summariseIptablesSave(text).inputPolicy === 'drop', enabled})
    }
    const ufw = await readTextIn(env.root, '/etc/ufw/ufw.conf')
    if (ufw !== null) {
      const defaults = (await readTextIn(env.root, '/etc/default/ufw')) ?? ''
      const policy = /^DEFAULT_INPUT_POLICY="?(\w+)"?/m.exec(defaults)?.[1] ?? 'DROP'
      const enabled = /^ENABLED=yes/m.test(ufw)
      configs.push({source: 'ufw', path: '/etc/ufw/ufw.conf', defaultDeny: policy !== 'ACCEPT', enabled})
    }
    if ((await statIn(env.root, '/etc/firewalld/firewalld.conf')) !== null) {
      const conf = (await readTextIn(env.root, '/etc/firewalld/firewalld.conf')) ?? ''
      const zone = /^DefaultZone=(\S+)/m.exec(conf)?.[1] ?? 'public'
      const enabled = await unitEnabled(facts, ['firewalld.service'])
      const path = '/etc/firewalld/firewalld.conf'
      configs.push({source: 'firewalld', path, defaultDeny: zone !== 'trusted', enabled})
    }
    return {configs}
  },
}
