import {defineCheck, NO_PARAMS, outcome, type NoParams} from '../check.js'

export const check = defineCheck<NoParams>()({
  id: 'firewall-default-deny',
  title: 'The loaded firewall denies inbound traffic by default',
  description:
    'Judges the running ruleset with the firewall engine (nft, iptables-nft, legacy iptables): an unsolicited inbound packet must be dropped or rejected, and no inference port may be published past that policy by destination NAT (a Docker-published port bypasses a ufw or INPUT deny).',
  live: true,
  params: NO_PARAMS,
  async run({facts}) {
    const fw = await facts.get('firewall')
    if (fw.tool === null) return outcome.error(`cannot read the firewall: ${fw.unreadable}`)
    const by = fw.decidedBy ? ` (decided by: ${fw.decidedBy})` : ''
    if (fw.inputPolicy === null || (fw.inputPolicy === 'accept' && fw.ruleCount === 0)) {
      const line = `${fw.tool}: no inbound filtering is loaded (${fw.ruleCount} rules): all inbound traffic is accepted`
      return outcome.fail([line])
    }
    const what = {drop: 'dropped', accept: 'accepted', unknown: 'not decided by the rules'}[fw.inputPolicy]
    const seen = `${fw.tool}: unsolicited inbound traffic is ${what}${by}, ${fw.ruleCount} rules`
    if (fw.inputPolicy === 'unknown') return outcome.error(seen)
    if (fw.inputPolicy !== 'drop') return outcome.fail([seen])
    const bypassed = (fw.bypassed ?? []).map((line) => `the input policy is bypassed by destination NAT: ${line}`)
    if (bypassed.length > 0) return outcome.fail([seen, ...bypassed])
    // A published inference port the engine cannot judge is not a pass.
    const undecided = (fw.undecided ?? []).map((line) => `cannot tell whether destination NAT bypasses it: ${line}`)
    return undecided.length > 0 ? outcome.error([seen, ...undecided].join('; ')) : outcome.pass([seen])
  },
})
