import {defineCheck, guardUnreadable, NO_PARAMS, outcome, type NoParams} from '../check.js'

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
      return guardUnreadable(none, unreadable)
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
    return guardUnreadable(outcome.fail(lines, configs[0].path), unreadable)
  },
})
