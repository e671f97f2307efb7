import {Args} from '@oclif/core'

import {exitCodeFor, validateRulesets, type RulesetValidation} from '../../src/audit/index.js'
import {LlmsecCommand} from '../../src/cli/base-command.js'

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

  async run(): Promise<RulesetValidation> {
    const {argv} = await this.parse(RulesetsValidate)
    const result = await validateRulesets(argv as string[])
    for (const r of result.rulesets) this.render(`${this.style.green('ok')} ${r.file}: ${r.id}, ${r.rules} rules`)
    for (const bad of result.invalid) this.printError(bad.message)
    this.setExitCode(exitCodeFor(result))
    return result
  }
}
