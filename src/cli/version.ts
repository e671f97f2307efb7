import {listBuiltInRulesets, loadRuleset} from '../audit/ruleset-loader.js'
import {BUNDLED} from '../vulns/db.js'

/**
 * What `llmsec --version` prints after oclif's own line: the versions of the data a verdict depends
 * on, so a filed report can name exactly which rules and advisories judged the host.
 */
export async function dataVersionLines(): Promise<string[]> {
  const rulesets = await Promise.all((await listBuiltInRulesets()).map(async (id) => loadRuleset(id)))
  return [
    `rulesets: ${rulesets.map((r) => `${r.id} ${r.version}`).join(', ')}`,
    `advisory data: ${BUNDLED.updated} (${BUNDLED.records.length} curated OSV records)`,
  ]
}
