import {existingModelDirs} from '../check-helpers.js'
import {defineCheck, guardUnreadable, outcome} from '../check.js'
import {FactUnavailableError, RootReader, type FactCache} from '../facts/index.js'

interface Params {
  minRules?: number
  watchModels?: boolean
  /** Require `-e 2` (rules locked until reboot). */
  immutable?: boolean
}

/** Whether a watch covers a path: the path itself or below it, on path-segment boundaries. */
function watchCovers(watch: string, path: string): boolean {
  return watch === '/' || path === watch || path.startsWith(`${watch}/`)
}

/** Whether auditd starts at boot (offline: auditd.service enabled) or runs (live host). */
async function serviceState(facts: FactCache, live: boolean, reader: RootReader): Promise<string | null> {
  const systemd = await facts.get('systemd')
  reader.note(...systemd.unreadable)
  if (live) {
    try {
      const running = (await facts.get('processes')).some((p) => p.comm === 'auditd')
      if (!running) return 'auditd is not running'
    } catch (error) {
      if (!(error instanceof FactUnavailableError)) throw error
    }
  }
  if (!systemd.installed || (live && !systemd.running)) return null
  const unit = systemd.units.find((u) => u.name === 'auditd.service')
  return unit?.enabled ? null : `auditd.service is ${unit ? 'not enabled' : 'not installed'}`
}

const ENABLED: Record<string, string> = {
  '0': 'auditing is turned off (-e 0)',
  '1': 'rules can be changed at run time (-e 1)',
  '2': 'rules are locked until reboot (-e 2)',
}

export const check = defineCheck<Params>()({
  id: 'auditd-rules',
  title: 'auditd is installed, enabled and has rules',
  /**
   * auditctl(8) and augenrules(8): rules.d/*.rules and audit.rules, one rule counted once however
   * often it is written; `-w DIR` and `-F dir=DIR` watch DIR and everything below it, so a watch
   * covers a model directory only on a path boundary (`-w /srv/m` does not cover /srv/models);
   * the last `-e` decides whether auditing is on, off or locked.
   */
  description:
    'The auditd binary, distinct rules in /etc/audit, auditd.service enabled (running on the live host), -e state, and optionally watches covering model directories on path boundaries.',
  params: {
    type: 'object',
    additionalProperties: false,
    properties: {
      minRules: {type: 'integer', minimum: 1, nullable: true},
      watchModels: {type: 'boolean', nullable: true},
      immutable: {type: 'boolean', nullable: true},
    },
  },
  async run({root, live, facts, params}) {
    const reader = new RootReader(root)
    const installed = (await reader.stat('/sbin/auditd')) ?? (await reader.stat('/usr/sbin/auditd'))
    if (!installed)
      return guardUnreadable(outcome.fail(['auditd is not installed (no /sbin/auditd)']), reader.unreadable)
    const auditd = await facts.get('auditd')
    reader.note(...auditd.unreadable)
    const dupes = auditd.duplicates ? ` (${auditd.duplicates} repeated lines counted once)` : ''
    const evidence = [`${auditd.ruleCount} audit rules in ${auditd.rulesFiles.join(', ') || 'no rules file'}${dupes}`]
    if (auditd.enabled) evidence.push(ENABLED[auditd.enabled] ?? `-e ${auditd.enabled}`)
    const problems: string[] = []
    if (auditd.ruleCount < (params.minRules ?? 1)) problems.push(`fewer than ${params.minRules ?? 1} audit rules`)
    if (auditd.enabled === '0') problems.push('auditing is turned off (-e 0)')
    if (params.immutable && auditd.enabled !== '2') problems.push('rules are not locked (-e 2 missing)')
    const service = await serviceState(facts, live, reader)
    if (service) problems.push(service)
    if (params.watchModels) {
      const models = await facts.get('models')
      reader.note(...models.unreadable)
      for (const d of existingModelDirs(models))
        if (!auditd.watches.some((w) => watchCovers(w, d.path)))
          problems.push(`model directory ${d.path} has no audit watch (-w ${d.path})`)
    }
    const verdict = problems.length
      ? outcome.fail([...problems, ...evidence], auditd.rulesFiles[0])
      : outcome.pass(evidence, auditd.rulesFiles[0])
    return guardUnreadable(verdict, reader.unreadable)
  },
})
