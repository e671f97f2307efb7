import {defineCheck, guardUnreadable, outcome} from '../check.js'
import {configLines, RootReader, type TextFile} from '../facts/index.js'
import {withFix} from '../fixes.js'

interface Params {
  /** A limits.conf(5) item (core, maxlogins, nproc …). */
  item: string
  /** The hard limit every user must have at most. */
  max: number
}

const CONF = '/etc/security/limits.conf'
const CONF_DIR = '/etc/security/limits.d'

interface Entry {
  domain: string
  type: string
  value: string
  where: string
}

/**
 * The entries of pam_limits(8)'s files for an item, in the order it reads them: limits.conf, then
 * limits.d/*.conf in name order (as if concatenated).
 */
async function readLimits(reader: RootReader, item: string): Promise<Entry[]> {
  const files: TextFile[] = []
  const main = await reader.text(CONF)
  if (main !== null) files.push({path: CONF, text: main})
  for (const file of await reader.dropIns(CONF_DIR)) files.push(file)
  const out: Entry[] = []
  for (const file of files)
    file.text.split('\n').forEach((raw, i) => {
      if (!configLines(raw, /^\s*#/).length) return
      const [domain, type, name, value] = raw.replace(/#.*$/, '').trim().split(/\s+/)
      if (name === item && value !== undefined && (type === 'hard' || type === '-'))
        out.push({domain, type, value, where: `${file.path}:${i + 1}`})
    })
  return out
}

const numeric = (value: string) => (/^(unlimited|infinity|-1)$/i.test(value) ? Infinity : Number(value))

export const check = defineCheck<Params>()({
  id: 'resource-limit',
  title: 'pam_limits caps a resource for every user',
  /**
   * pam_limits applies the last matching entry of a domain, and a user's or group's own entry
   * before the wildcard: so the last `*` hard entry must be within max, and no user or group entry
   * may raise it.
   */
  description:
    'The last hard (or -) entry of the item for domain * in limits.conf and limits.d/*.conf (read in that order) is at most max, and no user, group or range entry sets it higher.',
  limits:
    'Only sessions that go through pam_limits: systemd services (LimitCORE=), cron jobs without pam_limits and processes that raise their own soft limit up to the hard one are not covered; core dumps also need fs.suid_dumpable and systemd-coredump settings.',
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['item', 'max'],
    properties: {item: {type: 'string', pattern: '^[a-z]+$'}, max: {type: 'integer', minimum: 0}},
  },
  async run({root, params}) {
    const reader = new RootReader(root)
    const entries = await readLimits(reader, params.item)
    const wildcard = entries.filter((e) => e.domain === '*').at(-1)
    const raised = entries.filter((e) => e.domain !== '*' && !(numeric(e.value) <= params.max))
    const line = (e: Entry) => `${e.where}: ${e.domain} ${e.type} ${params.item} ${e.value}`
    const problems: string[] = []
    if (!wildcard) problems.push(`no hard ${params.item} limit for every user (*) in ${CONF} or ${CONF_DIR}/*.conf`)
    else if (!(numeric(wildcard.value) <= params.max))
      problems.push(`${line(wildcard)}; expected at most ${params.max}`)
    for (const e of raised) problems.push(`${line(e)} raises the limit above ${params.max}`)
    const fix = {
      edits: [
        {
          op: 'write' as const,
          path: `${CONF_DIR}/llmsec-${params.item}.conf`,
          content: `* hard ${params.item} ${params.max}\n`,
        },
      ],
      steps: [...raised, ...(wildcard && numeric(wildcard.value) > params.max ? [wildcard] : [])]
        .filter((e) => !e.where.startsWith(`${CONF_DIR}/llmsec-`))
        .map((e) => `remove "${e.domain} ${e.type} ${params.item} ${e.value}" at ${e.where}`),
    }
    const verdict = problems.length
      ? withFix(outcome.fail(problems, (raised[0] ?? wildcard)?.where.replace(/:\d+$/, '')), fix)
      : outcome.pass([line(wildcard!)], wildcard!.where.replace(/:\d+$/, ''))
    return guardUnreadable(verdict, reader.unreadable)
  },
})
