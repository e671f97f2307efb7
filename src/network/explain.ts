import {evaluateConnection, parsePacketSpec, type ConnectionDecision} from './packet.js'
import {readEphemeralRange} from './host-facts.js'
import {readFirewall, type Backend, type ToolRunner} from './read-ruleset.js'

/** The verdict on one described packet, and the rule that decided it. */
export interface Explanation extends ConnectionDecision {
  backend: Backend
  readable: boolean
}

/**
 * Evaluates described packets (`out:tcp:203.0.113.5:443`) against the active ruleset.
 * Nothing is sent: this only reads the firewall.
 */
export async function explainPackets(specs: string[], options: {run?: ToolRunner} = {}): Promise<Explanation[]> {
  const packets = specs.map(parsePacketSpec)
  const reading = await readFirewall(options.run)
  const ephemeral = (await readEphemeralRange()) ?? undefined
  return packets.map((spec) => {
    const packet = {...spec, ephemeral}
    if (!reading.readable) {
      const unknown = {
        verdict: 'unknown' as const,
        table: null,
        chain: null,
        rule: 'ruleset not readable (run as root)',
      }
      return {packet, ...unknown, request: unknown, reply: unknown, backend: reading.backend, readable: false}
    }
    return {...evaluateConnection(reading.ruleset, packet), backend: reading.backend, readable: true}
  })
}
