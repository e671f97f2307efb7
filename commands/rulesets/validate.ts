import {Args} from '@oclif/core'

import {loadRuleset} from '../../src/audit/index.js'
import {LlmsecCommand} from '../../src/cli/base-command.js'

export interface ValidateResult {
  valid: true
  rulesets: {file: string; id: string; rules: number}[]
}

export default class RulesetsValidate extends LlmsecCommand<typeof RulesetsValidate> {
  static override description =
    'Validate ruleset files: YAML syntax, keys, severities, check ids, check parameters and control ids (exit 2 with file:line:column)'
  static override examples = [
    '<%= config.bin %> rulesets validate ./my-rules.yaml',
    '<%= config.bin %> rulesets validate rulesets/*.yaml',
  ]
  static override strict = false
  static override args = {
    file: Args.string({description: 'Ruleset file(s) to validate.', required: true}),
  }

  async run(): Promise<ValidateResult> {
    const {argv} = await this.parse(RulesetsValidate)
    const rulesets: ValidateResult['rulesets'] = []
    for (const file of argv as string[]) {
      const ruleset = await loadRuleset(file.includes('/') || /\.ya?ml$/.test(file) ? file : `./${file}`)
      rulesets.push({file: ruleset.file, id: ruleset.id, rules: ruleset.rules.length})
      this.render(`${this.style.green('ok')} ${ruleset.file}: ${ruleset.id}, ${ruleset.rules.length} rules`)
    }
    return {valid: true, rulesets}
  }
}
