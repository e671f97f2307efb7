import {defineCheck, outcome} from '../check.js'

export const check = defineCheck<Record<string, never>>({
  id: 'firewall-default-deny',
  title: 'The loaded firewall denies inbound traffic by default',
  description: 'Reads the running ruleset (nft, else iptables-save): an input base chain must have policy drop.',
  live: true,
  params: {type: 'object', additionalProperties: false, properties: {}},
  async run({facts}) {
    const fw = await facts.get('firewall')
    if (fw.tool === null) return outcome.error(`cannot read the firewall: ${fw.unreadable}`)
    if (fw.inputPolicy === null)
      return outcome.fail([
        `${fw.tool}: no input chain is loaded (${fw.ruleCount} rules): all inbound traffic is accepted`,
      ])
    const seen = `${fw.tool}: input policy ${fw.inputPolicy}, ${fw.ruleCount} rules`
    return fw.inputPolicy === 'drop' ? outcome.pass([seen]) : outcome.fail([seen])
  },
})
