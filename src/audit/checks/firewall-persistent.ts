import {defineCheck, outcome} from '../check.js'

export const check = defineCheck<Record<string, never>>({
  id: 'firewall-persistent',
  title: 'A default-deny firewall is configured to load at boot',
  description: 'Reads /etc/nftables.conf, iptables-persistent rules, ufw and firewalld configuration under the root.',
  params: {type: 'object', additionalProperties: false, properties: {}},
  async run({facts}) {
    const {configs} = await facts.get('firewall.config')
    if (!configs.length)
      return outcome.fail(['no firewall configuration found (nftables, iptables-persistent, ufw, firewalld)'])
    const lines = configs.map(
      (c) =>
        `${c.source} (${c.path}): ${c.enabled ? 'enabled' : 'not enabled'}, inbound default ${c.defaultDeny ? 'deny' : 'accept'}`,
    )
    const good = configs.find((c) => c.enabled && c.defaultDeny)
    return good ? outcome.pass(lines, good.path) : outcome.fail(lines, configs[0].path)
  },
})
