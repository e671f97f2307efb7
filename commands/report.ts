import {Args} from '@oclif/core'

import {readReports, recordedExitCode, type AuditReport, type FleetReport} from '../src/audit/reports/index.js'
import {emitReports, planOutputs} from '../src/cli/audit-output.js'
import {LlmsecCommand} from '../src/cli/base-command.js'
import {ExitCode} from '../src/core/errors.js'
import {reportFlags} from '../src/cli/flags/report.js'

export default class Report extends LlmsecCommand<typeof Report> {
  static override description =
    'Render saved audit results (llmsec audit --json) in any report format; several files make a fleet report'
  static override examples = [
    '<%= config.bin %> report result.json --format html --output audit.html',
    '<%= config.bin %> report gpu-1.json gpu-2.json gpu-3.json --format html --output fleet.html',
    '<%= config.bin %> report results/*.json --format markdown --format sarif --format junit --output-dir reports/',
  ]
  static override strict = false
  static override args = {
    results: Args.string({
      description: 'Audit result files (JSON from llmsec audit --json or --format json).',
      required: true,
    }),
  }
  static override flags = {...reportFlags}

  async run(): Promise<AuditReport | FleetReport> {
    const {argv} = await this.parse(Report)
    const files = argv.map(String)
    const plan = planOutputs(this.flags, this.jsonEnabled())
    const input = await readReports(files, this.config.version)
    const rejected = 'kind' in input ? input.rejected : []
    const {stdout, files: written} = await emitReports(input, plan, this.style, recordedExitCode(input))
    if (stdout !== null) this.render(stdout)
    for (const file of written) this.note(`wrote ${file}`)
    for (const {reason} of rejected) this.warn(`left out: ${reason}`)
    // Hosts left out make the fleet report incomplete.
    if (rejected.length) this.setExitCode(ExitCode.Incomplete)
    return input
  }
}
