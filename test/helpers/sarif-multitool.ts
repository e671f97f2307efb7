import {createRequire} from 'node:module'

import {execa} from 'execa'

/** The SARIF SDK's validator (dev dependency), or null when its platform binary is not installed. */
export function sarifMultitool(): string | null {
  try {
    return createRequire(import.meta.url)('@microsoft/sarif-multitool') as string
  } catch {
    return null
  }
}

/**
 * Runs `Sarif.Multitool validate` with GitHub's (GHAS) rules and the SARIF rules and returns the
 * `error` lines. The tool's option parser takes the kinds only as a `;` list ("Ghas" alone is
 * refused as a bad format), so both kinds are named.
 */
export async function multitoolErrors(tool: string, file: string): Promise<string[]> {
  const run = await execa(
    tool,
    ['validate', '--rule-kind', 'Ghas;Sarif', '--log', 'ForceOverwrite', '-o', `${file}.validation.sarif`, file],
    {reject: false, timeout: 120_000, env: {DOTNET_CLI_TELEMETRY_OPTOUT: '1'}},
  )
  const out = `${run.stdout}\n${run.stderr}`
  if (!/Analysis completed successfully/.test(out)) throw new Error(`Sarif.Multitool did not run:\n${out}`)
  return out.split('\n').filter((line) => /: error [A-Z]+\d+/.test(line))
}
