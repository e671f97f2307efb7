import {defineCheck, guardUnreadable, NO_PARAMS, outcome, type NoParams} from '../check.js'
import type {FactCache} from '../facts/index.js'
import {aptInstall, live, withFix, type Fix} from '../fixes.js'

/** The TCP ports sshd listens on (sshd_config(5) Port, default 22); none without an SSH server. */
async function sshPorts(facts: FactCache): Promise<string[]> {
  const sshd = await facts.get('sshd')
  if (!sshd.path) return []
  const ports = sshd.directives.filter((d) => d.key === 'port' && d.match === null).map((d) => d.value.trim())
  return ports.length ? [...new Set(ports)] : ['22']
}

/**
 * An nftables.conf that denies inbound traffic by default, the allow rules first so the host stays
 * reachable: loopback, replies to its own connections, ICMP/ICMPv6 (IPv6 neighbour discovery
 * needs it) and SSH. Only its own table is replaced on reload, not Docker's.
 */
function defaultDenyConf(ports: string[]): string {
  return [
    '#!/usr/sbin/nft -f',
    '# llmsec: inbound default deny; loopback, replies, ICMP and SSH allowed before the policy drops the rest.',
    'table inet filter',
    'delete table inet filter',
    'table inet filter {',
    '  chain input {',
    '    type filter hook input priority filter; policy drop;',
    '    iif lo accept',
    '    ct state established,related accept',
    '    ct state invalid drop',
    '    meta l4proto { icmp, ipv6-icmp } accept',
    ...(ports.length ? [`    tcp dport { ${ports.join(', ')} } accept`] : []),
    '  }',
    '}',
    '',
  ].join('\n')
}

/** Without any configuration: write /etc/nftables.conf; with one, say what to change in it. */
async function firewallFix(facts: FactCache, configured: {path: string; enabled: boolean}[]): Promise<Partial<Fix>> {
  const enable = live('systemctl enable --now nftables')
  const packages = await facts.get('packages')
  const install = packages.source === 'dpkg' && !packages.packages.has('nftables') ? [aptInstall('nftables')] : []
  if (!configured.length) {
    const content = defaultDenyConf(await sshPorts(facts))
    return {
      edits: [{op: 'write', path: '/etc/nftables.conf', content, mode: '0755'}],
      commands: [...install, enable],
      steps: install.length ? ['install nftables before writing /etc/nftables.conf (the package ships its own)'] : [],
    }
  }
  return {
    steps: configured.map((c) =>
      c.enabled
        ? `${c.path}: accept loopback, established/related and SSH first, then set the input chain's policy to drop`
        : `${c.path}: enable it at boot once its input chain's policy is drop`,
    ),
    commands: [...install, enable],
  }
}

export const check = defineCheck<NoParams>()({
  id: 'firewall-persistent',
  title: 'A default-deny firewall is configured to load at boot',
  /**
   * nft(8), iptables-restore(8): /etc/nftables.conf is loaded by nft itself into a throw-away
   * namespace and iptables rules.v4 parsed as iptables-restore reads it; the firewall engine then
   * decides what an unsolicited inbound packet meets, so a comment (`# policy drop;`) is no policy
   * and an accept rule before the drop is seen. A file nft rejects is an error, never a pass.
   */
  description:
    'Judges /etc/nftables.conf (loaded by nft in a private namespace), iptables-persistent rules, ufw and firewalld configuration with the firewall engine.',
  params: NO_PARAMS,
  async run({facts}) {
    const {configs, unreadable} = await facts.get('firewall.config')
    if (!configs.length) {
      const none = outcome.fail(['no firewall configuration found (nftables, iptables-persistent, ufw, firewalld)'])
      return guardUnreadable(withFix(none, await firewallFix(facts, [])), unreadable)
    }
    const inbound = (d: boolean | null) => (d === null ? 'cannot be judged' : d ? 'deny' : 'accept')
    const lines = configs.map(
      (c) =>
        `${c.source} (${c.path}): ${c.enabled ? 'enabled' : 'not enabled'}, inbound default ${inbound(c.defaultDeny)} (${c.decidedBy})`,
    )
    const good = configs.find((c) => c.enabled && c.defaultDeny === true)
    if (good) return guardUnreadable(outcome.pass(lines, good.path), unreadable)
    const unjudged = configs.find((c) => c.enabled && c.defaultDeny === null)
    if (unjudged) {
      const reason = `${unjudged.path}: ${unjudged.decidedBy}`
      return guardUnreadable({...outcome.error(reason), evidence: [reason, ...lines]}, unreadable)
    }
    return guardUnreadable(withFix(outcome.fail(lines, configs[0].path), await firewallFix(facts, configs)), unreadable)
  },
})
