/**
 * Writes the iptables rules kube-proxy's iptables mode installs for ClusterIP and NodePort
 * services, in the chain layout kube-proxy documents and writes (pkg/proxy/iptables/proxier.go):
 * nat PREROUTING and OUTPUT jump KUBE-SERVICES, which matches each service's cluster IP and port and
 * jumps its KUBE-SVC-… chain; that chain jumps the endpoint's KUBE-SEP-… chain, which DNATs to the
 * pod. The last KUBE-SERVICES rule sends packets for local addresses (`-m addrtype --dst-type
 * LOCAL`) to KUBE-NODEPORTS, where a NodePort jumps KUBE-EXT-… (mark for masquerade, then the
 * service chain). filter INPUT, FORWARD and OUTPUT jump KUBE-PROXY-FIREWALL, KUBE-NODEPORTS,
 * KUBE-EXTERNAL-SERVICES, KUBE-FORWARD (which accepts the masquerade mark) and KUBE-SERVICES, and
 * kubelet's KUBE-FIREWALL. Three nat rules per service, one endpoint each (no statistic match).
 * A CNI's forward accepts are optional: flannel's FLANNEL-FWD accepts the pod network. The text is
 * iptables-save's.
 */
import {createHash} from 'node:crypto'

export interface KubeProxyLayout {
  services: number
  /** Services also published on a NodePort: [service index, node port]. */
  nodePorts?: [number, number][]
  /** The target port of every endpoint. */
  targetPort?: number
  /** The pod network (10.244.0.0/16) and the pod address of service i (10.244.x.y by default). */
  podCidr?: string
  podIp?: (i: number) => string
  /** The CNI's forward rules: flannel's (accepting the pod network) by default, or none. */
  cni?: 'flannel' | 'none'
}

/** kube-proxy names a chain by a hash of the service port name: 16 characters after the prefix. */
function chainName(prefix: string, name: string): string {
  return `${prefix}-${createHash('sha256').update(name).digest('hex').slice(0, 16).toUpperCase()}`
}

const clusterIp = (i: number) => `10.96.${(i >> 8) & 255}.${i & 255}`
const defaultPodIp = (i: number) => `10.244.${(i >> 8) & 255}.${i & 255}`

function filterTable(layout: KubeProxyLayout): string[] {
  const podCidr = layout.podCidr ?? '10.244.0.0/16'
  const flannel = (layout.cni ?? 'flannel') === 'flannel'
  return [
    '*filter',
    ':INPUT DROP [0:0]',
    ':FORWARD DROP [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    ':KUBE-EXTERNAL-SERVICES - [0:0]',
    ':KUBE-FIREWALL - [0:0]',
    ':KUBE-FORWARD - [0:0]',
    ':KUBE-NODEPORTS - [0:0]',
    ':KUBE-PROXY-FIREWALL - [0:0]',
    ':KUBE-SERVICES - [0:0]',
    ...(flannel ? [':FLANNEL-FWD - [0:0]'] : []),
    '-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL',
    '-A INPUT -m comment --comment "kubernetes health check service ports" -j KUBE-NODEPORTS',
    '-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES',
    '-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    '-A INPUT -i lo -j ACCEPT',
    '-A INPUT -j KUBE-FIREWALL',
    '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT',
    '-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL',
    '-A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD',
    '-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    '-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES',
    ...(flannel ? ['-A FORWARD -m comment --comment "flanneld forward" -j FLANNEL-FWD'] : []),
    '-A OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL',
    '-A OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    '-A OUTPUT -j KUBE-FIREWALL',
    '-A KUBE-FIREWALL ! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment "block incoming localnet connections" -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP',
    '-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP',
    '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT',
    '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    ...(flannel
      ? [
          `-A FLANNEL-FWD -s ${podCidr} -m comment --comment "flanneld forward" -j ACCEPT`,
          `-A FLANNEL-FWD -d ${podCidr} -m comment --comment "flanneld forward" -j ACCEPT`,
        ]
      : []),
    'COMMIT',
  ]
}

/** The iptables-save text of kube-proxy's rules for `services` services (IPv4). */
export function kubeProxyIptablesSave(layout: KubeProxyLayout): string {
  const target = layout.targetPort ?? 8080
  const podIp = layout.podIp ?? defaultPodIp
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
  return `${['# Generated by iptables-nft-save v1.8.9 (nf_tables)', ...nat, ...filterTable(layout)].join('\n')}\n`
}

/**
 * The layouts of fixtures/kube-proxy: four services whose pods listen on 11434 (Ollama); in
 * `kube-nodeport` the second is also a NodePort service on 31434, in `kube-clusterip` none is.
 */
export const KUBE_LAYOUTS: Record<string, KubeProxyLayout> = {
  'kube-nodeport': {services: 4, nodePorts: [[1, 31434]], targetPort: 11434},
  'kube-clusterip': {services: 4, targetPort: 11434},
}
