import {execa} from 'execa'
import {expect} from 'vitest'

import {hasTool, skipReason} from './env.js'

/** True (with the reason printed) when Debian's promtool is absent. */
export const noPromtool = skipReason(
  !hasTool('promtool'),
  'promtool is not installed (apt-get install prometheus): Prometheus outputs and alert rules not checked',
)

/** `promtool <args>` (check metrics reads `input` on stdin; check rules, test rules read files). */
export async function promtool(args: string[], options: {input?: string; cwd?: string} = {}) {
  const run = await execa('promtool', args, {...options, reject: false, timeout: 60_000})
  return {exitCode: run.exitCode ?? -1, output: `${String(run.stdout)}${String(run.stderr)}`}
}

/** `promtool check metrics` over exposition text: exit 0 and no lint problem printed. */
export async function expectValidMetrics(text: string): Promise<void> {
  const check = await promtool(['check', 'metrics'], {input: text})
  expect(check.output).toBe('')
  expect(check.exitCode).toBe(0)
}

/** The value of the one sample `series` (name with its labels exactly as printed) in exposition text. */
export function sampleValue(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}
