/** The report types of `llmsec firewall` (the JSON shape is documented in docs/json/firewall.md). */

import type {Severity} from '../core/severity.js'
import type {Backend, SourceStatus} from './read-ruleset.js'
import type {Decision, Verdict} from './ruleset.types.js'
import type {PublishedPort} from './exposure.js'
import type {ListeningSocket} from './sockets.js'

export type {PublishedPort} from './exposure.js'

export type {Severity} from '../core/severity.js'

/** One problem found; `id` is stable across runs and versions, `subject` names what it is about. */
export interface Finding {
  id: string
  severity: Severity
  title: string
  subject: string
  evidence: string[]
  remediation: string[]
}

/** What the firewall does with new connections no rule is specifically about. */
export interface DirectionPolicy {
  /** The more open of the IPv4 and IPv6 answers. */
  defaultPolicy: Verdict
  ipv4: Decision
  ipv6: Decision
}

export interface FamilyDecision extends Decision {
  family: 4 | 6
}

export interface ListenerReport {
  address: string
  port: number
  protocol: ListeningSocket['protocol']
  process: string | null
  pid: number | null
  /** The inference service this port belongs to by default or by configuration. */
  service: string | null
  inference: boolean
  /** True: another host can connect; false: it cannot; null: cannot tell. */
  exposed: boolean | null
  /** The firewall's verdict on a new connection from another host; null when bound to loopback. */
  verdict: Verdict | null
  reason: string
  decisions: FamilyDecision[]
}

export interface FirewallReport {
  backend: Backend
  backends: Backend[]
  frontends: string[]
  readable: boolean
  sources: SourceStatus[]
  ipv6Enabled: boolean
  inbound: DirectionPolicy
  outbound: DirectionPolicy
  listeners: ListenerReport[]
  /** Ports destination NAT sends on (container-published ports, kube-proxy services, redirects). */
  published: PublishedPort[]
  findings: Finding[]
  notes: string[]
}
