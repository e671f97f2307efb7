import {defineCheck, guardUnreadable, NO_PARAMS, outcome, type NoParams} from '../check.js'

export const check = defineCheck<NoParams>()({
  id: 'firewall-persistent',
  title: 'A default-deny firewall is configured to load at boot',
  description: 'Reads /etc/nftables.conf, iptables-persistent rules, ufw and firewalld configuration under the root.',
  params: NO_PARAMS,
  async run({facts}) {
    const {configs, unreadable} = await facts.get('firewall.config')
    if (!configs.length) {
      const none = outcome.fail(['no firewall configuration found (nftables, iptables-persistent, ufw, firewalld)'])
      return guardUnreadable(none, unreadable)
    }
    const lines = configs.map(
      (c) =>
        `${c.source} (${c.path}): ${c.enabled ? 'enabled' : 'not enabled'}, inbound default ${c.defaultDeny ? 'deny' : 'accept'}`,
    )
    const good = configs.find((c) => c.enabled && c.defaultDeny)
    return guardUnreadable(good ? outcome.pass(lines, good.path) : outcome.fail(lines, configs[0].path), unreadable)
  },
})
