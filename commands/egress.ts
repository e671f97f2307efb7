import {Flags} from '@oclif/core'

import {LlmsecCommand} from '../src/cli/base-command.js'
import {durationFlag} from '../src/cli/flags/duration.js'
import {renderEgressReport} from '../src/cli/render/egress.js'
import {exitCodeFor, probeEgress, selectEgressTargets, type EgressReport} from '../src/network/index.js'

export default class Egress extends LlmsecCommand<typeof Egress> {
  static override description = `Probe outbound traffic: try to reach each target and report which are reachable

Tries one TCP connection to each host:port target (or one UDP DNS query to dns:host:port targets), in parallel with a per-target timeout. Without --target it uses egress.targets from the config, else built-in targets an LLM host should not reach (model hubs, package indexes, public DNS resolvers). Exits 1 when a target that is not allowed is reachable.

This sends real traffic; llmsec never runs it implicitly.`

  static override examples = [
    '<%= config.bin %> egress',
    '<%= config.bin %> egress --target huggingface.co:443 --target dns:8.8.8.8:53 --json',
    '<%= config.bin %> egress --target 10.0.0.5:443 --allow 10.0.0.0/8:443 --timeout 1500ms',
  ]

  static override flags = {
    target: Flags.string({
      description: 'A target to try: host:port, [IPv6]:port or dns:host[:port]. Repeatable.',
      multiple: true,
    }),
    allow: Flags.string({
      description: 'A target that may be reachable: host:port, host:*, host or CIDR:port. Repeatable.',
      multiple: true,
    }),
    timeout: durationFlag({
      description: 'Per-target timeout [default: config egress.timeoutMs, else 3s].',
      bareUnit: 'ms',
      min: 1,
      max: 600_000,
    }),
    concurrency: Flags.integer({description: 'Targets probed at once.', default: 16, min: 1, max: 256}),
  }

  async run(): Promise<EgressReport> {
    const {flags} = this
    const {config} = await this.config_()
    const {targets, defaults} = selectEgressTargets(flags.target, config.egress?.targets)
    if (defaults)
      this.note(`Probing ${targets.length} built-in targets (model hubs, package indexes, public resolvers).`)
    const report = await probeEgress({
      targets,
      defaults,
      allow: [...(config.egress?.allow ?? []), ...(flags.allow ?? [])],
      timeoutMs: flags.timeout ?? config.egress?.timeoutMs ?? 3000,
      concurrency: flags.concurrency,
      onProgress: this.progress(),
    })
    this.render(renderEgressReport(report, this.style))
    this.setExitCode(exitCodeFor(report))
    return report
  }
}
