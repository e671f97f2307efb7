import {Args} from '@oclif/core'

import {loadRuleset, type ResolvedRuleset} from '../../src/audit/index.js'
import {frameworkTable} from '../../src/audit/framework-table.js'
import {LlmsecCommand} from '../../src/cli/base-command.js'
import {renderTable} from '../../src/cli/table.js'

export default class RulesetsShow extends LlmsecCommand<typeof RulesetsShow> {
  static override description = 'Show the rules of a ruleset after extends, overrides and removals'
  static override examples = [
    '<%= config.bin %> rulesets show hipaa',
    '<%= config.bin %> rulesets show ./my-rules.yaml --json',
  ]
  static override args = {
    ruleset: Args.string({description: 'Built-in ruleset id or a ruleset file.', required: true}),
  }

  async run(): Promise<ResolvedRuleset> {
    const ruleset = await loadRuleset(this.args.ruleset)
    const rows = ruleset.rules.map((r) => [
      r.id,
      r.severity,
      r.check.id,
      Object.entries(r.controls)
        .map(([framework, ids]) => `${framework}: ${ids.join(', ')}`)
        .join('; '),
    ])
    const head = `${this.style.bold(ruleset.title)} (${ruleset.id} ${ruleset.version}, ${ruleset.rules.length} rules)\n${ruleset.file}\n`
    const rules = renderTable(rows, {head: ['rule', 'severity', 'check', 'controls'], maxCellWidth: 90})
    this.render(`${head}\n${rules}${this.controlTable(ruleset)}`)
    return ruleset
  }

  /** A framework ruleset's controls, each with its rules: what a pass shows and what it does not. */
  private controlTable(ruleset: ResolvedRuleset): string {
    const blocks = frameworkTable(ruleset).map(({control, rules}) =>
      [this.style.bold(control), ...rules.map((r) => `  ${r.id}: ${r.proves}\n    does not show: ${r.limits}`)].join(
        '\n',
      ),
    )
    return blocks.length === 0 ? '' : `\n\nControls of ${ruleset.framework}:\n${blocks.join('\n')}`
  }
}
