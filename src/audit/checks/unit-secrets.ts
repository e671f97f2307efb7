import {redactArgv} from '../../hardware/index.js'
import {defineCheck, guardUnreadable, NO_PARAMS, outcome, type NoParams} from '../check.js'
import {FactUnavailableError, splitExecStart, type FactCache, type UnitFile} from '../facts/index.js'

const SECRET_NAME = /(TOKEN|API_?KEY|SECRET|PASSWORD|PASSWD|CREDENTIALS?)$/i

interface Found {
  line: string
  path: string
}

/** `KEY=value` assignments with secret-looking names and a literal value (a `$` reference is none). */
function secretAssignments(text: string): string[] {
  const names: string[] = []
  for (const match of text.matchAll(/"?([A-Za-z_][A-Za-z0-9_]*)=([^\s"]*)/g))
    if (SECRET_NAME.test(match[1]) && match[2] !== '' && !match[2].startsWith('$')) names.push(match[1])
  return names
}

/** Secret-looking flags with a value (`--api-key sk-…`, `--token=…`): every user reads them in `ps`. */
function secretFlags(argv: string[]): string[] {
  const redacted = redactArgv(argv)
  return argv.flatMap((word, i) =>
    redacted[i] === word ? [] : [redacted[i] === '***' ? argv[i - 1] : word.split('=')[0]],
  )
}

function unitFindings(unit: UnitFile): Found[] {
  const found: Found[] = []
  for (const line of unit.sections.Service?.Environment ?? [])
    for (const name of secretAssignments(line))
      found.push({line: `${unit.path}: Environment=${name}=***`, path: unit.path})
  for (const exec of unit.sections.Service?.ExecStart ?? []) {
    const argv = splitExecStart(exec)
    for (const flag of secretFlags(argv))
      found.push({
        line: `${unit.path}: ExecStart= passes ${flag.split('=')[0]} *** on the command line`,
        path: unit.path,
      })
    for (const word of argv.filter((w, i) => argv[i - 1] === '-e' || argv[i - 1] === '--env' || /^--env=/.test(w)))
      for (const name of secretAssignments(word.replace(/^--env=/, '')))
        found.push({line: `${unit.path}: ExecStart= passes -e ${name}=*** on the command line`, path: unit.path})
  }
  return found
}

/** Processes of the running host whose command line holds a secret (ps shows it to every user). */
async function processFindings(facts: FactCache): Promise<Found[]> {
  try {
    return (await facts.get('processes')).flatMap((p) =>
      secretFlags(p.args).map((flag) => ({
        line: `/proc/${p.pid} (${p.comm}): ${flag} *** is on the command line`,
        path: `/proc/${p.pid}`,
      })),
    )
  } catch (error) {
    if (error instanceof FactUnavailableError) return []
    throw error
  }
}

export const check = defineCheck<NoParams>()({
  id: 'unit-secrets',
  title: 'No plaintext secrets in systemd unit files or on command lines',
  /**
   * systemd.exec(5): Environment= is visible to every user through `systemctl show`; proc(5):
   * /proc/<pid>/cmdline is readable by every user, so a `--api-key sk-…` (or a `docker run -e
   * TOKEN=…`) in ExecStart= or a running command line is disclosed to all local accounts.
   */
  description:
    'Environment= lines of unit files and command lines (ExecStart=, docker run -e, running processes) hold no secret values; secrets belong in LoadCredential=, a 0600 EnvironmentFile or a key file.',
  params: NO_PARAMS,
  async run({facts}) {
    const {units, unreadable} = await facts.get('systemd')
    const found = [...units.flatMap(unitFindings), ...(facts.env.live ? await processFindings(facts) : [])]
    const verdict = found.length
      ? outcome.fail(
          found.map((f) => f.line),
          found[0].path,
        )
      : outcome.pass([`${units.length} unit files, no secret-looking Environment= values or command-line secrets`])
    return guardUnreadable(verdict, unreadable, true)
  },
})
