import {listInferencePorts} from '../../hardware/index.js'
import {analyzeFirewall, readFirewall, type PublishedPort} from '../../network/index.js'
import type {FactProvider} from './cache.js'
import type {FirewallConfigFact} from './fact-map.js'
import {flattenNftConfig, iptablesConfigPolicy, nftConfigPolicy} from './firewall-config.js'
import {RootReader} from './rootfs.js'

/** The loaded firewall of the running host, judged by the firewall engine (src/network). */
export const firewallProvider: FactProvider<'firewall'> = {
  id: 'firewall',
  live: true,
  async gather() {
    const reading = await readFirewall()
    if (!reading.readable) {
      const why = reading.sources.map((s) => s.reason ?? `${s.command}: ${s.status}`).join('; ')
      return {tool: null, inputPolicy: null, ruleCount: 0, unreadable: why || 'no firewall tool answered'}
    }
    const report = await analyzeFirewall({reading, inferencePorts: listInferencePorts()})
    const chains = reading.ruleset.tables.flatMap((t) => [...t.chains.values()])
    const ruleCount = chains.reduce((n, c) => n + c.rules.length, 0)
    const verdict = report.inbound.defaultPolicy
    const inputPolicy = verdict === 'accept' ? 'accept' : verdict === 'unknown' ? 'unknown' : 'drop'
    const decidedBy = report.inbound.ipv4.rule ?? undefined
    const line = (p: PublishedPort) => {
      const bypasses = p.bypasses.length > 0 ? `; bypasses ${p.bypasses.join('; ')}` : ''
      return `${p.service}: IPv${p.family} ${p.path}${bypasses}`
    }
    const inference = report.published.filter((p) => p.inference)
    const bypassed = inference.filter((p) => p.exposed === true).map(line)
    const undecided = inference.filter((p) => p.exposed === null).map(line)
    return {
      tool: reading.backend,
      inputPolicy,
      ruleCount,
      ...(decidedBy ? {decidedBy} : {}),
      ...(bypassed.length > 0 ? {bypassed} : {}),
      ...(undecided.length > 0 ? {undecided} : {}),
    }
  },
}

async function unitEnabled(facts: Parameters<FactProvider['gather']>[1], names: string[]): Promise<boolean> {
  const systemd = await facts.get('systemd')
  if (!systemd.installed) return true
  return systemd.units.some((u) => names.includes(u.name) && u.enabled)
}

/**
 * Firewall configuration persisted on disk (nftables, iptables-persistent, ufw, firewalld). nftables
 * and iptables files are judged by the firewall engine (src/network) as the kernel would run them.
 */
export const firewallConfigProvider: FactProvider<'firewall.config'> = {
  id: 'firewall.config',
  async gather(env, facts) {
    const reader = new RootReader(env.root)
    const configs: FirewallConfigFact['configs'] = []
    const nft = await flattened(reader, '/etc/nftables.conf')
    if (nft !== null) {
      // nft loads the file (a subprocess in a namespace) while systemd's units are still being read;
      // awaited after unitEnabled, so an error of either surfaces as it did when they ran in turn.
      const loading =
        'error' in nft ? Promise.resolve({defaultDeny: null, decidedBy: nft.error}) : nftConfigPolicy(nft.text)
      loading.catch(() => undefined)
      const enabled = await unitEnabled(facts, ['nftables.service'])
      const policy = await loading
      configs.push({source: 'nftables', path: '/etc/nftables.conf', ...policy, enabled})
    }
    for (const [path, family] of [
      ['/etc/iptables/rules.v4', 4],
      ['/etc/sysconfig/iptables', 4],
    ] as const) {
      const text = await reader.text(path)
      if (text === null) continue
      const enabled = await unitEnabled(facts, ['netfilter-persistent.service', 'iptables.service'])
      configs.push({source: 'iptables', path, ...iptablesConfigPolicy(text, family), enabled})
    }
    const ufw = await reader.text('/etc/ufw/ufw.conf')
    if (ufw !== null) {
      const defaults = (await reader.text('/etc/default/ufw')) ?? ''
      const policy = /^DEFAULT_INPUT_POLICY="?(\w+)"?/m.exec(defaults)?.[1] ?? 'DROP'
      const enabled = /^ENABLED=yes/m.test(ufw)
      const decidedBy = `DEFAULT_INPUT_POLICY=${policy}`
      configs.push({source: 'ufw', path: '/etc/ufw/ufw.conf', defaultDeny: policy !== 'ACCEPT', decidedBy, enabled})
    }
    if ((await reader.stat('/etc/firewalld/firewalld.conf')) !== null) {
      const conf = (await reader.text('/etc/firewalld/firewalld.conf')) ?? ''
      const zone = /^DefaultZone=(\S+)/m.exec(conf)?.[1] ?? 'public'
      const enabled = await unitEnabled(facts, ['firewalld.service'])
      const path = '/etc/firewalld/firewalld.conf'
      configs.push({
        source: 'firewalld',
        path,
        defaultDeny: zone !== 'trusted',
        decidedBy: `DefaultZone=${zone}`,
        enabled,
      })
    }
    if (configs.length) reader.note(...(await facts.get('systemd')).unreadable)
    return {configs, unreadable: reader.unreadable}
  },
}

/** nftables.conf with its includes, or why it could not be put together. */
async function flattened(reader: RootReader, path: string): Promise<{text: string} | {error: string} | null> {
  try {
    const text = await flattenNftConfig(reader, path)
    return text === null ? null : {text}
  } catch (error) {
    return {error: (error as Error).message}
  }
}
