import {Flags} from '@oclif/core'

import {LlmsecCommand} from '../src/cli/base-command.js'
import {renderExplanations, renderFirewallReport} from '../src/cli/render/firewall.js'
import {listInferencePorts, RUNTIMES} from '../src/hardware/index.js'
import {
  analyzeFirewall,
  explainPackets,
  exitCodeFor,
  type Explanation,
  type FirewallReport,
} from '../src/network/index.js'

export default class Firewall extends LlmsecCommand<typeof Firewall> {
  static override description = `Judge the active firewall and the exposure of inference ports (static analysis, no traffic)

Reads nftables (nft -j list ruleset), iptables/ip6tables (iptables-save, legacy and nft back ends), ufw and firewalld, and the listening sockets. Reports the default inbound and outbound policies and, for every default port of the runtimes llmsec knows (${RUNTIMES.map((r) => r.name).join(', ')}) and the ports from the config, whether another host could connect. Rules it cannot interpret make a verdict "unknown", never a guessed "blocked".

Exits 1 when a finding is high or critical. Without root the ruleset cannot be read: the command says so and exits 0.`

  static override examples = [
    '<%= config.bin %> firewall',
    '<%= config.bin %> firewall --json',
    '<%= config.bin %> firewall --explain out:tcp:203.0.113.5:443',
    '<%= config.bin %> firewall --explain in:tcp:[2001:db8::7]:11434 --explain in:tcp:198.51.100.9:8000 --json',
  ]

  static override flags = {
    explain: Flags.string({
      description:
        'Evaluate one described connection (in|out:tcp|udp:ADDRESS:PORT) and print the rule that decides it. Nothing is sent.',
      multiple: true,
    }),
  }

  async run(): Promise<FirewallReport | Explanation | Explanation[]> {
    const {flags} = this
    if (flags.explain && flags.explain.length > 0) {
      const explanations = await explainPackets(flags.explain)
      this.render(renderExplanations(explanations, this.style))
      if (!explanations[0].readable) this.note('The firewall could not be read (run as root): verdicts are unknown.')
      return explanations.length === 1 ? explanations[0] : explanations
    }
    const {config} = await this.config_()
    const report = await analyzeFirewall({
      inferencePorts: listInferencePorts(config.inferencePorts),
      onProgress: this.progress(),
    })
    this.render(renderFirewallReport(report, this.style))
    for (const source of report.sources.filter((s) => s.status !== 'ok' && s.status !== 'missing')) {
      this.note(`could not read: ${source.command}: ${source.reason}`)
    }
    for (const note of report.notes.slice(0, 20)) this.note(`note: ${note}`)
    this.setExitCode(exitCodeFor(report))
    return report
  }
}
