import type {InferencePort} from './inference-ports.js'
import type {Backend} from './read-ruleset.js'

/**
 * Commands that close an exposed port, for the firewall in use. The first entry is always the
 * real fix (bind the service to loopback); the others add a firewall rule as a second layer.
 */
export function remediateExposedPort(
  port: number,
  info: InferencePort,
  backend: Backend,
  frontends: string[],
): string[] {
  const bind = `Bind ${info.service} to 127.0.0.1${info.bindHint ? ` (${info.bindHint})` : ''}`
  if (frontends.includes('ufw')) return [bind, `ufw deny in ${port}/tcp`]
  if (frontends.includes('firewalld')) {
    return [
      bind,
      `firewall-cmd --permanent --remove-port=${port}/tcp`,
      `firewall-cmd --permanent --add-rich-rule='rule port port="${port}" protocol="tcp" drop'`,
      'firewall-cmd --reload',
    ]
  }
  if (backend === 'iptables-legacy') {
    return [
      bind,
      `iptables -I INPUT ! -i lo -p tcp --dport ${port} -j DROP`,
      `ip6tables -I INPUT ! -i lo -p tcp --dport ${port} -j DROP`,
    ]
  }
  return [
    bind,
    'nft add table inet llmsec',
    "nft add chain inet llmsec input '{ type filter hook input priority -10; policy accept; }'",
    `nft add rule inet llmsec input iif != lo tcp dport ${port} drop`,
  ]
}

/** Commands that make new connections denied by default in one direction, keeping loopback and replies. */
export function remediateDefaultDeny(
  direction: 'in' | 'out',
  backend: Backend,
  frontends: string[],
  onlyFamily?: 6,
): string[] {
  const hook = direction === 'in' ? 'input' : 'output'
  const iface = direction === 'in' ? 'iif' : 'oif'
  if (frontends.includes('ufw'))
    return [`ufw default deny ${direction === 'in' ? 'incoming' : 'outgoing'}`, 'ufw enable']
  if (frontends.includes('firewalld')) {
    return direction === 'in'
      ? [
          'firewall-cmd --set-default-zone=drop',
          'firewall-cmd --permanent --zone=drop --add-service=ssh',
          'firewall-cmd --reload',
        ]
      : [
          'firewall-cmd --permanent --new-policy=llmsec-egress',
          'firewall-cmd --permanent --policy=llmsec-egress --add-ingress-zone=HOST',
          'firewall-cmd --permanent --policy=llmsec-egress --add-egress-zone=ANY',
          'firewall-cmd --permanent --policy=llmsec-egress --set-target=DROP',
          'firewall-cmd --reload',
        ]
  }
  if (backend === 'iptables-legacy' || backend === 'iptables-nft') {
    const chain = direction === 'in' ? 'INPUT' : 'OUTPUT'
    const flag = direction === 'in' ? '-i' : '-o'
    const tools = onlyFamily === 6 ? ['ip6tables'] : ['iptables', 'ip6tables']
    return tools.flatMap((tool) => [
      `${tool} -A ${chain} ${flag} lo -j ACCEPT`,
      `${tool} -A ${chain} -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT`,
      ...(direction === 'in' ? [`${tool} -A ${chain} -p tcp --dport 22 -j ACCEPT`] : []),
      `${tool} -P ${chain} DROP`,
    ])
  }
  const table = onlyFamily === 6 ? 'ip6 llmsec' : 'inet llmsec'
  return [
    `nft add table ${table}`,
    `nft add chain ${table} ${hook} '{ type filter hook ${hook} priority 0; policy drop; }'`,
    `nft add rule ${table} ${hook} ${iface} lo accept`,
    `nft add rule ${table} ${hook} ct state established,related accept`,
    direction === 'in'
      ? `nft add rule ${table} ${hook} tcp dport 22 accept`
      : `nft add rule ${table} ${hook} udp dport 53 ip daddr <your resolver> accept`,
  ]
}

/**
 * Commands that close a port destination NAT publishes. A ufw or INPUT rule does not see these
 * packets (they are forwarded), so the fix is where the publishing happens, then DOCKER-USER.
 */
export function remediatePublishedPort(port: number, to: string, info: InferencePort): string[] {
  return [
    `Publish ${info.service} on loopback only (docker run -p 127.0.0.1:${port}:${port}, compose "127.0.0.1:${port}:${port}"), or remove the DNAT to ${to}`,
    `iptables -I DOCKER-USER -p tcp -m conntrack --ctorigdstport ${port} --ctdir ORIGINAL -j DROP`,
    `nft add rule inet llmsec forward ct original proto-dst ${port} ct status dnat drop`,
  ]
}
