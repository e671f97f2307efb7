import {defineCheck, NO_PARAMS, outcome, type NoParams} from '../check.js'

export const check = defineCheck<NoParams>()({
  id: 'firewall-default-deny',
  title: 'The loaded firewall denies inbound traffic by default',
  description:
    'Judges the running ruleset with the firewall engine (nft, iptables-nft, legacy iptables): an unsolicited inbound packet must be dropped or rejected.',
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
    return fw.inputPolicy === 'drop' ? outcome.pass([seen]) : outcome.fail([seen])
  },
})
