import {Flags} from '@oclif/core'

import {listChecks, listRulesets, type CheckSummary, type RulesetSummary} from '../../src/audit/index.js'
import {LlmsecCommand} from '../../src/cli/base-command.js'
import {renderTable} from '../../src/cli/table.js'

export default class RulesetsList extends LlmsecCommand<typeof RulesetsList> {
  static override description = 'List the built-in rulesets (or, with --checks, the checks rulesets can use)'
  static override examples = ['<%= config.bin %> rulesets list', '<%= config.bin %> rulesets list --checks --json']
  static override flags = {
    checks: Flags.boolean({description: 'List the checks and their parameters instead.'}),
  }

  async run(): Promise<{rulesets: RulesetSummary[]} | {checks: CheckSummary[]}> {
    if (this.flags.checks) {
      const checks = listChecks()
      const rows = checks.map((c) => [c.id, c.live ? 'live' : 'files', c.title])
      this.render(renderTable(rows, {head: ['check', 'reads', 'title']}))
      return {checks}
    }
    const rulesets = await listRulesets()
    const rows = rulesets.map((r) => [r.id, r.framework ?? '-', String(r.rules), r.version, r.title])
    this.render(renderTable(rows, {head: ['id', 'framework', 'rules', 'version', 'title']}))
    return {rulesets}
  }
}
