/**
 * Writes the iptables rules kube-proxy's iptables mode installs for ClusterIP and NodePort
 * services, in the chain layout kube-proxy uses: nat PREROUTING and OUTPUT jump KUBE-SERVICES,
 * which matches each service's cluster IP and port and jumps its KUBE-SVC-… chain; that chain
 * jumps the endpoint's KUBE-SEP-… chain, which DNATs to the pod. The last KUBE-SERVICES rule sends
 * packets for local addresses to KUBE-NODEPORTS (a NodePort jumps KUBE-EXT-…, then the service);
 * filter INPUT, FORWARD and OUTPUT jump KUBE-FIREWALL, KUBE-FORWARD and KUBE-SERVICES. Three rules
 * per service, one endpoint each (no statistic match). The text is iptables-save's.
 */
import {createHash} from 'node:crypto'

export interface KubeProxyLayout {
  services: number
  /** Services also published on a NodePort: [service index, node port]. */
  nodePorts?: [number, number][]
  /** The target port of every endpoint. */
  targetPort?: number
}

/** kube-proxy names a chain by a hash of the service port name: 16 characters after the prefix. */
function chainName(prefix: string, name: string): string {
  return `${prefix}-${createHash('sha256').update(name).digest('hex').slice(0, 16).toUpperCase()}`
}

const clusterIp = (i: number) => `10.96.${(i >> 8) & 255}.${i & 255}`
const podIp = (i: number) => `10.244.${(i >> 8) & 255}.${i & 255}`

function filterTable(): string[] {
  return [
    '*filter',
    ':INPUT DROP [0:0]',
    ':FORWARD DROP [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    ':KUBE-FIREWALL - [0:0]',
    ':KUBE-FORWARD - [0:0]',
    ':KUBE-SERVICES - [0:0]',
    '-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    '-A INPUT -i lo -j ACCEPT',
    '-A INPUT -j KUBE-FIREWALL',
    '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT',
    '-A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD',
    '-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    '-A OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    '-A OUTPUT -j KUBE-FIREWALL',
    '-A KUBE-FIREWALL ! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment "block incoming localnet connections" -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP',
    '-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP',
    '-A KUBE-FORWARD -d 10.244.0.0/16 -m comment --comment "kubernetes forwarding rules" -j ACCEPT',
    '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    'COMMIT',
  ]
}

/** The iptables-save text of kube-proxy's rules for `services` services (IPv4). */
export function kubeProxyIptablesSave(layout: KubeProxyLayout): string {
  const target = layout.targetPort ?? 8080
  const names = Array.from({length: layout.services}, (_, i) => `ns${i % 50}/svc-${i}:http`)
  const svc = names.map((n) => chainName('KUBE-SVC', n))
  const sep = names.map((n, i) => chainName('KUBE-SEP', `${n}/${podIp(i)}`))
  const ext = new Map((layout.nodePorts ?? []).map(([i, port]) => [i, {port, chain: chainName('KUBE-EXT', names[i])}]))
  const nat = [
    '*nat',
    ':PREROUTING ACCEPT [0:0]',
    ':INPUT ACCEPT [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    ':POSTROUTING ACCEPT [0:0]',
    ':KUBE-MARK-MASQ - [0:0]',
    ':KUBE-NODEPORTS - [0:0]',
    ':KUBE-POSTROUTING - [0:0]',
    ':KUBE-SERVICES - [0:0]',
    ...[...ext.values()].map((e) => `:${e.chain} - [0:0]`),
    ...svc.map((c) => `:${c} - [0:0]`),
    ...sep.map((c) => `:${c} - [0:0]`),
    '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    '-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    '-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING',
    '-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000',
    '-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN',
    '-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0',
    '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully',
  ]
  for (const [i, e] of ext) {
    nat.push(
      `-A KUBE-NODEPORTS -p tcp -m comment --comment "${names[i]}" -m tcp --dport ${e.port} -j ${e.chain}`,
      `-A ${e.chain} -m comment --comment "masquerade traffic for ${names[i]} external destinations" -j KUBE-MARK-MASQ`,
      `-A ${e.chain} -j ${svc[i]}`,
    )
  }
  names.forEach((name, i) => {
    nat.push(
      `-A KUBE-SERVICES -d ${clusterIp(i)}/32 -p tcp -m comment --comment "${name} cluster IP" -m tcp --dport 80 -j ${svc[i]}`,
      `-A ${svc[i]} -m comment --comment "${name} -> ${podIp(i)}:${target}" -j ${sep[i]}`,
      `-A ${sep[i]} -p tcp -m comment --comment "${name}" -m tcp -j DNAT --to-destination ${podIp(i)}:${target}`,
    )
  })
  nat.push(
    '-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS',
    'COMMIT',
  )
  return `${['# Generated by iptables-nft-save v1.8.9 (nf_tables)', ...nat, ...filterTable()].join('\n')}\n`
}
