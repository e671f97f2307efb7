import {parseDurationDays} from '../check-helpers.js'
import {defineCheck, guardUnreadable, outcome} from '../check.js'
import {configLines, RootReader} from '../facts/index.js'
import {live, withFix, type Fix} from '../fixes.js'

interface Params {
  minDays?: number
  maxDays?: number
}

/** The fix: a journald drop-in keeping a year of logs, or the bounds when a year is outside them. */
function retentionFix(params: Params): Partial<Fix> {
  const days = Math.min(Math.max(365, params.minDays ?? 0), params.maxDays ?? Infinity)
  const content = `[Journal]\nMaxRetentionSec=${days}day\n`
  return {
    edits: [{op: 'write', path: '/etc/systemd/journald.conf.d/llmsec-retention.conf', content}],
    commands: [live('systemctl restart systemd-journald')],
  }
}

const PERIOD_DAYS: Record<string, number> = {daily: 1, weekly: 7, monthly: 30, yearly: 365}

/** Retention of logrotate's global settings: rotate count × period, in days. */
export function logrotateDays(text: string): number | null {
  let period: number | null = null
  let rotate: number | null = null
  for (const line of configLines(text)) {
    if (line.includes('{')) break
    const word = line.split(/\s+/)
    if (PERIOD_DAYS[word[0]]) period = PERIOD_DAYS[word[0]]
    if (word[0] === 'rotate') rotate = Number(word[1])
  }
  return period !== null && rotate !== null ? period * (rotate + 1) : null
}

export const check = defineCheck<Params>()({
  id: 'log-retention',
  title: 'Log retention is configured within limits',
  description:
    'Reads journald MaxRetentionSec and logrotate global rotate × period; at least one must be set within [minDays, maxDays].',
  params: {
    type: 'object',
    additionalProperties: false,
    properties: {
      minDays: {type: 'integer', minimum: 0, nullable: true},
      maxDays: {type: 'integer', minimum: 1, nullable: true},
    },
  },
  async run({root, facts, params}) {
    const reader = new RootReader(root)
    const journald = await facts.get('journald')
    reader.note(...journald.unreadable)
    const sources: {what: string; days: number; path: string}[] = []
    const journalDays = journald.maxRetentionSec ? parseDurationDays(journald.maxRetentionSec) : null
    if (journalDays !== null)
      sources.push({
        what: `journald MaxRetentionSec=${journald.maxRetentionSec}`,
        days: journalDays,
        path: journald.files.at(-1) ?? '/etc/systemd/journald.conf',
      })
    const logrotate = await reader.text('/etc/logrotate.conf')
    const rotateDays = logrotate === null ? null : logrotateDays(logrotate)
    if (rotateDays !== null)
      sources.push({what: 'logrotate global rotate × period', days: rotateDays, path: '/etc/logrotate.conf'})
    if (!sources.length) {
      const none = outcome.fail(['no log retention configured (journald MaxRetentionSec, /etc/logrotate.conf)'])
      return guardUnreadable(withFix(none, retentionFix(params)), reader.unreadable)
    }
    const min = params.minDays ?? 0
    const max = params.maxDays ?? Infinity
    const lines = sources.map((s) => `${s.what}: ${Math.round(s.days)} days (${s.path})`)
    const ok = sources.find((s) => s.days >= min && s.days <= max)
    const want = `expected ${min}${Number.isFinite(max) ? `–${max}` : '+'} days`
    const verdict = ok
      ? outcome.pass(lines, ok.path)
      : withFix(outcome.fail([...lines, want], sources[0].path), retentionFix(params))
    return guardUnreadable(verdict, reader.unreadable)
  },
})
