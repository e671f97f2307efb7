import {defineCheck, guardUnreadable, outcome, type CheckOutcome} from '../check.js'
import {configLines, readTextIn, RootReader, whyUnreadable} from '../facts/index.js'
import {live, withFix, type Fix} from '../fixes.js'

interface Params {
  key: string
  values: string[]
}

/** Where sysctl.d(5) reads, lowest precedence first (a later directory's file replaces the same name). */
const SYSCTL_DIRS = ['/lib/sysctl.d', '/usr/lib/sysctl.d', '/usr/local/lib/sysctl.d', '/run/sysctl.d', '/etc/sysctl.d']

/** The value a sysctl key gets at boot from sysctl.conf and sysctl.d (later files win). */
export async function configuredSysctl(reader: RootReader, key: string): Promise<{value: string; file: string} | null> {
  const files = await reader.layeredDropIns(SYSCTL_DIRS)
  const main = await reader.text('/etc/sysctl.conf')
  if (main !== null) files.push({path: '/etc/sysctl.conf', text: main})
  const wanted = key.replaceAll('/', '.')
  let found: {value: string; file: string} | null = null
  for (const file of files) {
    for (const line of configLines(file.text)) {
      const match = /^-?\s*([\w./-]+)\s*=\s*(.*)$/.exec(line)
      if (match && match[1].replaceAll('/', '.') === wanted) found = {value: match[2].trim(), file: file.path}
    }
  }
  return found
}

const normalize = (value: string) => value.trim().split(/\s+/).join(' ')

/**
 * The fix: the file that sets the key now gets the wanted value (sysctl.d(5): the last file read
 * wins, so a drop-in would lose to it); a key set nowhere gets its own drop-in, one file per key
 * so that two fixes never overwrite each other.
 */
function sysctlFix(params: Params, found: {file: string} | null): Partial<Fix> {
  const value = params.values[0]
  const file = `/etc/sysctl.d/60-llmsec-${params.key.replaceAll(/[./]/g, '-')}.conf`
  const edit = found
    ? {op: 'set' as const, path: found.file, syntax: 'equals' as const, key: params.key, value}
    : {op: 'write' as const, path: file, content: `${params.key} = ${value}\n`}
  return {edits: [edit], commands: [live('sysctl --system')]}
}

/** The running kernel's value, from /proc/sys (the fix as for the configuration under /). */
async function runningValue(params: Params): Promise<CheckOutcome> {
  const read = await readTextIn('/', `/proc/sys/${params.key.replaceAll('.', '/')}`)
  if (read.state === 'absent') return outcome.notApplicable(`${params.key} does not exist in this kernel`)
  if (read.state === 'unreadable') return outcome.unreadable([whyUnreadable(read)])
  const seen = `${params.key} = ${normalize(read.value)} (running kernel)`
  if (params.values.includes(normalize(read.value))) return outcome.pass([seen])
  const configured = await configuredSysctl(new RootReader('/'), params.key)
  const fix = configured && params.values.includes(normalize(configured.value)) ? null : configured
  return withFix(outcome.fail([`${seen}; expected ${params.values.join(' or ')}`]), sysctlFix(params, fix))
}

export const check = defineCheck<Params>()({
  id: 'sysctl-value',
  title: 'A kernel parameter has an allowed value',
  limits:
    'Only that one kernel setting is in place now (running host) or at boot (--root); a later script or container runtime that changes it is not seen.',
  description: 'Reads /proc/sys on the running host, or sysctl.conf and sysctl.d under --root.',
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['key', 'values'],
    properties: {
      key: {type: 'string', pattern: '^[a-z0-9_]+([./][a-z0-9_*-]+)+$'},
      values: {type: 'array', minItems: 1, items: {type: 'string'}},
    },
  },
  async run({root, live, params}) {
    if (live) return runningValue(params)
    const reader = new RootReader(root)
    const found = await configuredSysctl(reader, params.key)
    const expected = `expected ${params.values.join(' or ')}`
    if (!found) {
      const unset = outcome.fail([`${params.key} is not set in sysctl.conf or sysctl.d; ${expected}`])
      return guardUnreadable(withFix(unset, sysctlFix(params, null)), reader.unreadable)
    }
    const seen = `${params.key} = ${found.value} (${found.file})`
    const verdict = params.values.includes(normalize(found.value))
      ? outcome.pass([seen], found.file)
      : withFix(outcome.fail([`${seen}; ${expected}`], found.file), sysctlFix(params, found))
    return guardUnreadable(verdict, reader.unreadable)
  },
})
