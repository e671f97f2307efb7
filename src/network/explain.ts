import {natText} from './evaluate.js'
import {dnatAddresses, hasDnat, judgeArrivals} from './exposure.js'
import {evaluateConnectionPath, parsePacketSpec, type ConnectionDecision} from './packet.js'
import {UNKNOWN_ENV} from './path.js'
import {readEphemeralRange} from './host-facts.js'
import {defaultRunner, readFirewall, type Backend, type ToolRunner} from './read-ruleset.js'
import {readPathEnv} from './routes.js'

/** The verdict on one described packet, the rule that decided it, and the path the first packet took. */
export interface Explanation extends ConnectionDecision {
  /** The destination NAT the first packet went through: `dnat to 10.88.0.2:11434 in ip nat prerouting`. */
  nat: string | null
  /** Each base chain (and the routing decision) the first packet passed, with what it did. */
  hooks: string[]
  backend: Backend
  readable: boolean
}

/**
 * Evaluates described packets (`out:tcp:203.0.113.5:443`) against the active ruleset, following
 * destination NAT to input or forward. Nothing is sent: this only reads the firewall.
 */
export async function explainPackets(specs: string[], options: {run?: ToolRunner} = {}): Promise<Explanation[]> {
  const packets = specs.map(parsePacketSpec)
  const reading = await readFirewall(options.run)
  const ephemeral = (await readEphemeralRange()) ?? undefined
  const ruleset = reading.ruleset
  const env =
    reading.readable && hasDnat(ruleset)
      ? await readPathEnv(dnatAddresses(ruleset), options.run ?? defaultRunner)
      : UNKNOWN_ENV
  return packets.map((spec) => {
    const packet = {...spec, ephemeral}
    if (!reading.readable) {
      const unknown = {
        verdict: 'unknown' as const,
        table: null,
        chain: null,
        rule: 'ruleset not readable (run as root)',
      }
      const none = {nat: null, hooks: []}
      return {packet, ...unknown, request: unknown, reply: unknown, ...none, backend: reading.backend, readable: false}
    }
    // From another host the arrival interface is any but lo: the most open class answers.
    const connection =
      packet.direction === 'in'
        ? judgeArrivals(ruleset, packet, env)!.connection
        : evaluateConnectionPath(ruleset, packet, {env})
    const {path, ...decision} = connection
    const nat = path.nat ? `dnat to ${natText(path.nat.to)} in ${path.nat.table} ${path.nat.chain}` : null
    return {...decision, nat, hooks: path.path, backend: reading.backend, readable: true}
  })
}
