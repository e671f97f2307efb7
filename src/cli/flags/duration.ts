import {Errors, Flags} from '@oclif/core'

import {durationUnitName, formatDuration, parseDuration, type DurationUnit} from '../../core/duration.js'

export interface DurationFlagOptions {
  description: string
  /** The unit a bare number had before units were accepted; it still works, with a note. */
  bareUnit: DurationUnit
  /** Bounds and default, in milliseconds. */
  min: number
  max: number
  default?: number
}

/**
 * A duration flag (`500ms`, `15s`, `2m`, `1m30s`) whose value is milliseconds. A bare number keeps
 * the command's old unit and prints a deprecation note on stderr.
 */
export function durationFlag(options: DurationFlagOptions) {
  const range = `${formatDuration(options.min)} to ${formatDuration(options.max)}`
  return Flags.custom<number>({
    description: `${options.description} A duration with a unit: 500ms, 15s, 2m (${range}).`,
    helpValue: '<duration>',
    default: options.default,
    defaultHelp: options.default === undefined ? undefined : async () => formatDuration(options.default!),
    async parse(input, context, flag) {
      const parsed = parseDuration(input, options.bareUnit)
      if (!parsed.ok) throw new Errors.CLIError(parsed.reason)
      if (parsed.ms < options.min || parsed.ms > options.max) throw new Errors.CLIError(`${input} is outside ${range}`)
      if (parsed.bare)
        context.warn(
          `--${flag.name} ${input}: a number without a unit is read as ${durationUnitName(options.bareUnit)}; ` +
            `write --${flag.name} ${formatDuration(parsed.ms)} (unit-less values are deprecated).`,
        )
      return parsed.ms
    },
  })()
}
