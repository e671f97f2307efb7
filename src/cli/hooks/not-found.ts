import {toConfiguredId, type Hook} from '@oclif/core'
import {closest, distance} from 'fastest-levenshtein'

import {usageError} from '../../core/errors.js'
import {classifyError, type ErrorJson} from '../base-command.js'

/**
 * The visible command a mistyped one most likely meant: a command it begins (`keys gen`), else
 * the closest by edit distance when near enough to be a typo (a third of the letters, at least
 * two so that one swap of neighbours counts); null when nothing is that near.
 */
export function suggestCommand(typed: string, commandIds: readonly string[]): string | null {
  const extended = commandIds.filter((id) => typed.length > 0 && id.startsWith(typed))
  if (extended.length > 0) return closest(typed, extended)
  if (commandIds.length === 0) return null
  const best = closest(typed, commandIds)
  return distance(typed, best) <= Math.max(2, Math.ceil(typed.length / 3)) ? best : null
}

/**
 * `llmsec <typo>`: one line naming the closest command (or the JSON error object under --json)
 * and exit 2. It never prompts or runs the guess: a typo in a CI job must fail, not do something else.
 */
const hook: Hook<'command_not_found'> = async function ({argv, config, id}) {
  const visible = config.commands.filter((c) => !c.hidden).flatMap((c) => [c.id, ...c.aliases])
  const suggestion = suggestCommand(id, visible)
  const typed = toConfiguredId(id, config)
  const guess = suggestion ? ` Did you mean "${toConfiguredId(suggestion, config)}"?` : ''
  const error = usageError(`"${typed}" is not a command.${guess} See ${config.bin} --help.`)
  const {code, message, exit} = classifyError(error)
  if (argv?.includes('--json')) {
    const json: ErrorJson = {error: {code, message, exit}}
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`)
  } else process.stderr.write(`${config.bin}: ${message}\n`)
  this.exit(exit)
}

export default hook
