import {noPamConfiguration, PAM_SERVICE_PATTERN} from '../check-helpers.js'
import {defineCheck, guardUnreadable, outcome} from '../check.js'
import {aptInstall, withFix, type FileEdit} from '../fixes.js'
import {parseSecurityConf, readPamStack, RootReader, type PamLine} from '../facts/index.js'

interface Params {
  /**
   * minlen: fewest characters; minclass: fewest character classes (digits, upper, lower, other);
   * enforce_for_root: the checks bind root too (without it pam_pwquality only warns root).
   */
  setting: 'minlen' | 'minclass' | 'enforce_for_root'
  /** The minimum for minlen and minclass (not used by enforce_for_root). */
  min?: number
  /** The PAM service whose password stack must call pam_pwquality (default common-password). */
  service?: string
}

const CONF = '/etc/security/pwquality.conf'
const CONF_DIR = '/etc/security/pwquality.conf.d'
/** libpwquality's defaults (pwquality.conf(5)). */
const DEFAULTS: Record<string, string> = {minlen: '8', minclass: '0'}
const CREDITS = ['dcredit', 'ucredit', 'lcredit', 'ocredit']

/** One setting's value and the place it came from. */
type Settings = Map<string, {value: string; from: string}>

/**
 * What pam_pwquality applies: the .d files in name order, then pwquality.conf (libpwquality reads
 * the directory first, so the main file overrides it), then the module's own arguments.
 */
async function readSettings(reader: RootReader, line: PamLine | undefined): Promise<Settings> {
  const out: Settings = new Map()
  const files = [...(await reader.dropIns(CONF_DIR)), {path: CONF, text: (await reader.text(CONF)) ?? ''}]
  for (const file of files)
    for (const [key, value] of parseSecurityConf(file.text)) out.set(key, {value, from: file.path})
  for (const arg of line?.args ?? []) {
    // key=value, or a bare flag such as enforce_for_root (pam_pwquality(8)).
    const m = /^([a-z_]+)(?:=(.*))?$/.exec(arg)
    if (m) out.set(m[1], {value: m[2] ?? '', from: line!.where})
  }
  return out
}

/** Classes required: minclass, or as many as there are negative credits (each demands its class). */
function classes(settings: Settings): {count: number; seen: string} {
  const minclass = Number(settings.get('minclass')?.value ?? DEFAULTS.minclass)
  const negative = CREDITS.filter((c) => Number(settings.get(c)?.value ?? '0') < 0)
  const count = Math.max(Number.isInteger(minclass) ? minclass : 0, negative.length)
  const from = settings.get('minclass')?.from ?? 'default'
  const credits = negative.length ? `, negative ${negative.join(' ')}` : ''
  return {
    count,
    seen: `${count} character classes required (minclass=${settings.get('minclass')?.value ?? 0}, ${from}${credits})`,
  }
}

function judge(params: Params, settings: Settings): {ok: boolean; lines: string[]} {
  if (params.setting === 'enforce_for_root') {
    const entry = settings.get('enforce_for_root')
    return entry
      ? {ok: true, lines: [`enforce_for_root is set (${entry.from})`]}
      : {
          ok: false,
          lines: ['enforce_for_root is not set: root can set a password that fails these checks (only a warning)'],
        }
  }
  const min = params.min!
  if (params.setting === 'minclass') {
    const {count, seen} = classes(settings)
    return {ok: count >= min, lines: count >= min ? [seen] : [`${seen}; expected at least ${min}`]}
  }
  const entry = settings.get('minlen')
  const text = entry?.value ?? DEFAULTS.minlen
  const n = /^\d+$/.test(text) ? Number(text) : NaN
  const seen = `minlen=${text} (${entry?.from ?? 'default'})`
  return {ok: n >= min, lines: n >= min ? [seen] : [`${seen}; expected at least ${min}`]}
}

export const check = defineCheck<Params>()({
  id: 'pwquality',
  title: 'New passwords meet pam_pwquality length or class minimums, for root too',
  description:
    'The password stack of a PAM service calls pam_pwquality (includes followed, comments ignored), and minlen or the required character classes (pwquality.conf.d in name order, then pwquality.conf, then the module arguments; the last value wins) are at least the minimum; or that enforce_for_root makes the checks bind root.',
  limits:
    'Passwords set before the setting, set by root without enforce_for_root, or set outside PAM (chpasswd -e, usermod -p, a directory service); a long password can still be a known one.',
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['setting'],
    properties: {
      setting: {type: 'string', enum: ['minlen', 'minclass', 'enforce_for_root']},
      min: {type: 'integer', minimum: 1, nullable: true},
      service: {type: 'string', pattern: PAM_SERVICE_PATTERN, nullable: true},
    },
    // minlen and minclass are judged against a minimum the ruleset states, never a default.
    if: {properties: {setting: {enum: ['minlen', 'minclass']}}},
    then: {required: ['min']},
  },
  async run({root, params}) {
    if (params.setting !== 'enforce_for_root' && params.min === undefined)
      return outcome.error(`pwquality: ${params.setting} needs a min`)
    const reader = new RootReader(root)
    const noPam = await noPamConfiguration(reader)
    if (noPam) return noPam
    const service = params.service ?? 'common-password'
    const stack = await readPamStack(reader, service, 'password')
    const line = stack.find((l) => l.module === 'pam_pwquality.so')
    const settings = await readSettings(reader, line)
    const {ok, lines} = judge(params, settings)
    const module = line
      ? `${line.where}: ${line.type} ${line.control} ${line.module} ${line.args.join(' ')}`.trim()
      : `no "password … pam_pwquality.so" in the password stack of ${service}`
    const where = `/etc/pam.d/${service}`
    if (line && ok) return guardUnreadable(outcome.pass([module, ...lines], where), reader.unreadable)
    const fromArgs = line && settings.get(params.setting)?.from === line.where
    const edit: FileEdit =
      params.setting === 'enforce_for_root'
        ? {op: 'append', path: CONF, line: 'enforce_for_root'}
        : {op: 'set', path: CONF, syntax: 'equals', key: params.setting, value: String(params.min)}
    const fix = {
      edits: [edit],
      commands: line ? [] : [aptInstall('libpam-pwquality')],
      steps: [
        ...(line
          ? []
          : [`if libpam-pwquality is installed already, add pam_pwquality.so to ${where} (pam-auth-update)`]),
        ...(fromArgs
          ? [`remove ${params.setting}= from the pam_pwquality.so line at ${line.where} (it overrides ${CONF})`]
          : []),
      ],
    }
    return guardUnreadable(withFix(outcome.fail([module, ...lines], where), fix), reader.unreadable)
  },
})
