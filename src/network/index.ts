export {listListeningSockets, parseProcNet} from './sockets.js'
export type {ListeningSocket, SocketScan} from './sockets.js'
export {analyzeFirewall, mostOpen} from './analyze.js'
export type {AnalyzeOptions} from './analyze.js'
export type {
  DirectionPolicy,
  FamilyDecision,
  Finding,
  FirewallReport,
  ListenerReport,
  PublishedPort,
  Severity,
} from './network.types.js'
export {explainPackets} from './explain.js'
export type {Explanation} from './explain.js'
export {evaluatePacket, evaluatePath} from './path.js'
export type {NatStep, PathDecision, PathEnv, Route} from './path.js'
export {
  combineVerdicts,
  evaluateConnection,
  parsePacketSpec,
  replyPacket,
  requestPacket,
  unmatchedPacket,
} from './packet.js'
export type {ConnectionDecision} from './packet.js'
export {parseNftJson} from './nft-json.js'
export {detectIptablesDialect, parseIptablesSave} from './iptables-save.js'
export type {IptablesDialect} from './iptables-save.js'
export {readFirewall} from './read-ruleset.js'
export type {Backend, FirewallReading, SourceStatus, ToolRunner} from './read-ruleset.js'
export {FAILING_SEVERITIES, FINDING_IDS} from './findings.js'
export {exitCodeFor} from './policy.js'
export type {FindingId} from './findings.js'
export type {InferencePort} from './inference-ports.js'
export {
  DEFAULT_EGRESS_TARGETS,
  isAllowed,
  parseAllowEntry,
  parseEgressTarget,
  selectEgressTargets,
} from './egress-targets.js'
export type {EgressTarget} from './egress-targets.js'
export {probeEgress} from './egress.js'
export type {EgressOptions, EgressReport, EgressResult} from './egress.js'
export type * from './ruleset.types.js'
