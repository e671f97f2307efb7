import {runTool} from '../../core/exec.js'
import {defineCheck, guardUnreadable, outcome} from '../check.js'
import {live, withFix, type Fix} from '../fixes.js'
import {
  connectionSpec,
  effectiveValue,
  probeConnections,
  type FactCache,
  type SshdConnection,
  type SshdDirective,
} from '../facts/index.js'

interface Params {
  option: string
  /** Allowed values (case-insensitive). */
  values?: string[]
  /** Values that fail (case-insensitive); any other value passes (Banner: not `none`). */
  forbidden?: string[]
  /** Numeric options: the value must be at least / at most this (stricter values pass). */
  min?: number
  max?: number
  /** The value is a time (sshd_config(5) TIME FORMATS: 1m30s): min and max are seconds. */
  seconds?: boolean
  /** Colon-separated numbers (MaxStartups start:rate:full): each part at most the limit at its place. */
  partsMax?: number[]
  default: string
  /** The user the setting matters for (PermitRootLogin: root); connections of other users are not asked about. */
  user?: string
  /** The value the fix writes (default: the first of `values`, else `min`, else `max`). */
  recommended?: string
}

/** Spellings sshd -T prints for one value (sshd_config(5): without-password is prohibit-password). */
const ALIASES: Record<string, string> = {'without-password': 'prohibit-password'}
const canonical = (v: string) => ALIASES[v.toLowerCase()] ?? v.toLowerCase()

interface Seen {
  connection: SshdConnection
  value: string
  from: string
}

const TIME_UNITS: Record<string, number> = {'': 1, s: 1, m: 60, h: 3600, d: 86_400, w: 604_800}

/** sshd's convtime: a sequence of numbers with optional units (s, m, h, d, w; either case); null when malformed. */
function sshdSeconds(value: string): number | null {
  if (!/^(\d+[smhdwSMHDW]?)+$/.test(value)) return null
  let total = 0
  for (const m of value.matchAll(/(\d+)([smhdwSMHDW]?)/g)) total += Number(m[1]) * TIME_UNITS[m[2].toLowerCase()]
  return total
}

/** MaxStartups-style `a:b:c`: the parts written are each within their limit (a lone `a` is start and full). */
function partsWithin(value: string, limits: number[]): boolean {
  const parts = value.split(':')
  if (parts.length > limits.length || !parts.every((p) => /^\d+$/.test(p))) return false
  const checked = parts.length === 1 ? [0, limits.length - 1] : parts.map((_, i) => i)
  return checked.every((i) => Number(parts[parts.length === 1 ? 0 : i]) <= limits[i])
}

function judge(params: Params, value: string): boolean {
  if (params.values && !params.values.map(canonical).includes(canonical(value))) return false
  if (params.forbidden?.map(canonical).includes(canonical(value))) return false
  if (params.partsMax && !partsWithin(value, params.partsMax)) return false
  if (params.min === undefined && params.max === undefined) return true
  const n = params.seconds ? sshdSeconds(value) : /^\d+$/.test(value) ? Number(value) : null
  if (n === null) return false
  return (params.min === undefined || n >= params.min) && (params.max === undefined || n <= params.max)
}

function offline(directives: SshdDirective[], params: Params, c: SshdConnection): Seen {
  const d = effectiveValue(directives, params.option, c)
  if (!d) return {connection: c, value: params.default, from: 'sshd default'}
  return {connection: c, value: d.value.split(/\s+/)[0], from: d.match ? `${d.match.text} at ${d.where}` : d.where}
}

/**
 * `sshd -T -C …` on the running host: what sshd itself computes for the connection (needs root).
 * Asked once per connection in a run: every sshd-option rule reads its option from the same answer.
 */
async function asked(facts: FactCache, params: Params, c: SshdConnection): Promise<Seen | null> {
  const spec = connectionSpec(c)
  const result = await facts.once(`sshd -T -C ${spec}`, () => runTool('sshd', ['-T', '-C', spec], {timeoutMs: 10_000}))
  if (result.status !== 'ok') return null
  const key = params.option.toLowerCase()
  const line = result.stdout.split('\n').find((l) => l.split(' ')[0] === key)
  return line ? {connection: c, value: line.slice(key.length + 1).trim(), from: 'sshd -T'} : null
}

/**
 * The fix: every file with a line that sets the option to a failing value gets the recommended
 * value on each of its lines (global and Match blocks); when no global line sets it, the main file
 * gets one as its first line, before every Include and Match, where sshd reads it first.
 */
function sshdFix(params: Params, directives: SshdDirective[], main: string | null): Partial<Fix> {
  const value =
    params.recommended ?? params.values?.[0] ?? params.partsMax?.join(':') ?? String(params.min ?? params.max)
  const key = params.option.toLowerCase()
  const files = directives
    .filter((d) => d.key === key && !judge(params, d.value.split(/\s+/)[0]))
    .map((d) => d.where.replace(/:\d+$/, ''))
  if (main && !directives.some((d) => d.key === key && d.match === null)) files.unshift(main)
  return {
    edits: [...new Set(files)].map((path) => ({
      op: 'set' as const,
      path,
      syntax: 'sshd' as const,
      key: params.option,
      value,
    })),
    commands: [live('sshd -t'), live('systemctl reload ssh')],
  }
}

function describe(params: Params, seen: Seen, ok: boolean): string {
  const who = `user ${seen.connection.user} from ${seen.connection.addr}`
  const want = [
    params.values ? params.values.join(' or ') : null,
    params.forbidden ? `not ${params.forbidden.join(' or ')}` : null,
    params.partsMax ? `each of ${params.partsMax.join(':')} at most` : null,
    params.min !== undefined ? `≥ ${params.min}` : null,
    params.max !== undefined ? `≤ ${params.max}` : null,
  ]
    .filter(Boolean)
    .join(', ')
  return `${params.option} ${seen.value} for ${who} (${seen.from})${ok ? '' : `; expected ${want}`}`
}

export const check = defineCheck<Params>()({
  id: 'sshd-option',
  title: 'An sshd option has a hardened value',
  limits:
    'The option as sshd reads its files (Include and Match followed); not an sshd started with other -o options or before the files changed, nor other SSH daemons such as dropbear.',
  /**
   * sshd_config(5): the first obtained value of a keyword is used; Include is read where it stands;
   * the first Match block that applies to a connection and sets the keyword overrides the global
   * value. Every Match block that sets the option is asked about, with a connection that satisfies
   * it; on the running host sshd itself answers (`sshd -T -C`), else the same rules are applied to
   * the files.
   */
  description:
    'The effective value for every connection sshd distinguishes: Include, first value wins, every Match block (sshd -T -C on the running host, the same rules offline).',
  appliesWhen: ['ssh-server'],
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['option', 'default'],
    anyOf: [
      {required: ['values']},
      {required: ['forbidden']},
      {required: ['min']},
      {required: ['max']},
      {required: ['partsMax']},
    ],
    properties: {
      option: {type: 'string', pattern: '^[A-Za-z]+$'},
      values: {type: 'array', minItems: 1, items: {type: 'string'}, nullable: true},
      forbidden: {type: 'array', minItems: 1, items: {type: 'string'}, nullable: true},
      min: {type: 'integer', nullable: true},
      max: {type: 'integer', nullable: true},
      seconds: {type: 'boolean', nullable: true},
      partsMax: {type: 'array', minItems: 1, maxItems: 3, items: {type: 'integer', minimum: 0}, nullable: true},
      default: {type: 'string'},
      user: {type: 'string', pattern: '^[a-z_][a-z0-9_.-]*$', nullable: true},
      recommended: {type: 'string', pattern: '^[A-Za-z0-9_./:-]+$', nullable: true},
    },
  },
  async run({facts, params, live}) {
    const sshd = await facts.get('sshd')
    const connections = probeConnections(sshd.directives, params.option, params.user ? {user: params.user} : {})
    const seen = await Promise.all(
      connections.map(
        async (c) => (live ? await asked(facts, params, c) : null) ?? offline(sshd.directives, params, c),
      ),
    )
    const bad = seen.filter((s) => !judge(params, s.value))
    const where = sshd.path ?? undefined
    const verdict = bad.length
      ? withFix(
          outcome.fail(
            [...bad, ...seen.filter((s) => !bad.includes(s))].map((s) => describe(params, s, judge(params, s.value))),
            where,
          ),
          sshdFix(params, sshd.directives, sshd.path),
        )
      : outcome.pass(
          seen.map((s) => describe(params, s, true)),
          where,
        )
    return guardUnreadable(verdict, sshd.unreadable)
  },
})
