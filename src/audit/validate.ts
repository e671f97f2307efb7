import {LlmsecError, type ExitCode} from '../core/errors.js'
import {loadRuleset} from './ruleset-loader.js'

/** What `llmsec rulesets validate` found: every file is tried, one bad file does not stop the rest. */
export interface RulesetValidation {
  /** True when every file is a valid ruleset. */
  valid: boolean
  rulesets: {file: string; id: string; rules: number}[]
  /** The files that are not, each with the one-line error loading it gave (file:line:column: …). */
  invalid: {file: string; code: string; message: string; exit: ExitCode}[]
}

/** Validates ruleset files (paths, never built-in ids) as `loadRuleset` would load them. */
export async function validateRulesets(files: string[]): Promise<RulesetValidation> {
  const result: RulesetValidation = {valid: true, rulesets: [], invalid: []}
  for (const file of files) {
    try {
      const ruleset = await loadRuleset(file.includes('/') || /\.ya?ml$/.test(file) ? file : `./${file}`)
      result.rulesets.push({file: ruleset.file, id: ruleset.id, rules: ruleset.rules.length})
    } catch (error) {
      if (!(error instanceof LlmsecError)) throw error
      result.invalid.push({file, code: error.code, message: error.message, exit: error.exit})
    }
  }
  result.valid = result.invalid.length === 0
  return result
}
