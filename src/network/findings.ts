import type {Severity} from '../core/severity.js'
import {catalogEntry} from './exposure.js'
import type {InferencePort} from './inference-ports.js'
import type {Backend} from './read-ruleset.js'
import {remediateDefaultDeny, remediateExposedPort, remediatePublishedPort} from './remediation.js'
import type {DirectionPolicy, Finding, FirewallReport, ListenerReport, PublishedPort} from './network.types.js'
import type {Decision} from './ruleset.types.js'

/** The finding ids this command can emit, with what each means (documented in docs/json/firewall.md). */
export const FINDING_IDS = {
  'NET-INFERENCE-EXPOSED': 'An inference port is bound beyond loopback and the firewall accepts connections to it.',
  'NET-INFERENCE-UNDECIDED':
    'An inference port is bound beyond loopback and llmsec cannot tell whether the firewall lets other hosts in.',
  'NET-INFERENCE-WILDCARD': 'An inference port is bound beyond loopback; only the firewall keeps other hosts out.',
  'NET-INBOUND-DEFAULT-ALLOW': 'New inbound connections no rule names are accepted.',
  'NET-OUTBOUND-DEFAULT-ALLOW': 'New outbound connections no rule names are accepted: egress is not denied by default.',
  'NET-IPV6-UNFILTERED': 'IPv4 inbound is denied by default but IPv6 inbound is not.',
  'NET-RULESET-UNREADABLE': 'The firewall ruleset could not be read.',
} as const

export type FindingId = keyof typeof FINDING_IDS

/** Severity at or above which `llmsec firewall` exits 1. */
export const FAILING_SEVERITIES: Severity[] = ['critical', 'high']

function describeDecision(decision: Decision): string {
  const where = decision.chain ? ` in ${decision.table ?? '?'} chain ${decision.chain}` : ''
  return `${decision.verdict}${where}${decision.rule ? ` by "${decision.rule}"` : ''}`
}

function listenerEvidence(listener: ListenerReport): string[] {
  const owner = listener.process
    ? `${listener.process} (pid ${listener.pid})`
    : 'an unknown process (run as root to name it)'
  return [
    `${owner} listens on ${listener.address}:${listener.port}/${listener.protocol}`,
    ...listener.decisions.map((d) => `IPv${d.family} new connection from another host: ${describeDecision(d)}`),
  ]
}

function listenerFindings(
  listener: ListenerReport,
  port: InferencePort,
  backend: Backend,
  frontends: string[],
): Finding[] {
  const subject = `${listener.protocol}/${listener.port} ${port.service}`
  const fix = remediateExposedPort(listener.port, port, backend, frontends)
  const evidence = listenerEvidence(listener)
  if (listener.exposed === true) {
    const severity: Severity = port.codeExecution ? 'critical' : 'high'
    return [
      {
        id: 'NET-INFERENCE-EXPOSED',
        severity,
        title: `${port.service} port ${listener.port} is reachable from other hosts`,
        subject,
        evidence,
        remediation: fix,
      },
    ]
  }
  if (listener.exposed === null) {
    return [
      {
        id: 'NET-INFERENCE-UNDECIDED',
        severity: 'medium',
        title: `Cannot tell whether ${port.service} port ${listener.port} is reachable from other hosts`,
        subject,
        evidence,
        remediation: fix,
      },
    ]
  }
  return [
    {
      id: 'NET-INFERENCE-WILDCARD',
      severity: 'low',
      title: `${port.service} port ${listener.port} listens beyond loopback behind the firewall`,
      subject,
      evidence,
      remediation: fix.slice(0, 1),
    },
  ]
}

/** A port DNAT publishes is judged like a host listener on 0.0.0.0: same ids, same severities. */
function publishedFindings(published: PublishedPort, port: InferencePort): Finding[] {
  const subject = `tcp/${published.port} ${port.service}`
  const evidence = [
    `IPv${published.family} ${published.path} (${published.arrival}): ${published.verdict}`,
    ...(published.natRule ? [`translated by "${published.natRule}"`] : []),
    ...published.bypasses.map((rule) => `bypasses the frontend rule ${rule}`),
    ...published.hooks,
  ]
  const remediation = remediatePublishedPort(published.port, published.to, port)
  if (published.exposed === true) {
    const severity: Severity = port.codeExecution ? 'critical' : 'high'
    const title = `${port.service} port ${published.port} is published to other hosts by destination NAT to ${published.to}`
    return [{id: 'NET-INFERENCE-EXPOSED', severity, title, subject, evidence, remediation}]
  }
  if (published.exposed === null) {
    const title = `Cannot tell whether ${port.service} port ${published.port}, translated to ${published.to}, is reachable from other hosts`
    return [{id: 'NET-INFERENCE-UNDECIDED', severity: 'medium', title, subject, evidence, remediation}]
  }
  return []
}

function policyFindings(report: Omit<FirewallReport, 'findings'>): Finding[] {
  const findings: Finding[] = []
  const {inbound, outbound, backend, frontends} = report
  const families = (policy: DirectionPolicy) => (report.ipv6Enabled ? [policy.ipv4, policy.ipv6] : [policy.ipv4])
  const evidence = (policy: DirectionPolicy) =>
    families(policy).map((d, i) => `IPv${i === 0 ? 4 : 6} new connection no rule names: ${describeDecision(d)}`)
  if (families(inbound).some((d) => d.verdict === 'accept')) {
    findings.push({
      id: 'NET-INBOUND-DEFAULT-ALLOW',
      severity: 'medium',
      title: 'Inbound connections are accepted by default',
      subject: 'inbound',
      evidence: evidence(inbound),
      remediation: remediateDefaultDeny('in', backend, frontends),
    })
  }
  if (families(outbound).some((d) => d.verdict === 'accept')) {
    findings.push({
      id: 'NET-OUTBOUND-DEFAULT-ALLOW',
      severity: 'medium',
      title: 'Outbound connections are accepted by default (egress is open)',
      subject: 'outbound',
      evidence: evidence(outbound),
      remediation: remediateDefaultDeny('out', backend, frontends),
    })
  }
  const v4Closed = inbound.ipv4.verdict === 'drop' || inbound.ipv4.verdict === 'reject'
  if (report.ipv6Enabled && v4Closed && inbound.ipv6.verdict === 'accept') {
    findings.push({
      id: 'NET-IPV6-UNFILTERED',
      severity: 'high',
      title: 'IPv4 inbound is filtered but IPv6 inbound is open',
      subject: 'inbound ipv6',
      evidence: evidence(inbound),
      remediation: remediateDefaultDeny('in', backend, frontends, 6),
    })
  }
  return findings
}

/** Builds the findings of a firewall report, most severe first. */
export function buildFindings(report: Omit<FirewallReport, 'findings'>, ports: Map<number, InferencePort>): Finding[] {
  if (!report.readable) {
    const reasons = report.sources
      .filter((s) => s.status !== 'ok' && s.status !== 'missing')
      .map((s) => `${s.command}: ${s.reason}`)
    const evidence = reasons.length > 0 ? reasons : ['no firewall tool (nft, iptables-save) is installed']
    const unreadable: Finding = {
      id: 'NET-RULESET-UNREADABLE',
      severity: 'info',
      title: 'The firewall ruleset could not be read',
      subject: 'ruleset',
      evidence,
      remediation: ['sudo llmsec firewall'],
    }
    const listeners = report.listeners
      .filter((l) => l.inference && l.verdict !== null)
      .flatMap((l) => listenerFindings(l, ports.get(l.port)!, report.backend, report.frontends))
    return sortFindings([unreadable, ...listeners])
  }
  const listeners = report.listeners
    .filter((l) => l.inference && l.verdict !== null)
    .flatMap((l) => listenerFindings(l, ports.get(l.port)!, report.backend, report.frontends))
  const published = report.published
    .filter((p) => p.inference)
    .flatMap((p) => publishedFindings(p, catalogEntry(ports, p.port, p.toPort)!))
  return sortFindings([...policyFindings(report), ...listeners, ...published])
}

const RANK: Record<Severity, number> = {critical: 0, high: 1, medium: 2, low: 3, info: 4}

function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort(
    (a, b) => RANK[a.severity] - RANK[b.severity] || a.id.localeCompare(b.id) || a.subject.localeCompare(b.subject),
  )
}
