import {existingModelDirs} from '../check-helpers.js'
import {defineCheck, guardUnreadable, outcome} from '../check.js'
import {FactUnavailableError, RootReader, type FactCache} from '../facts/index.js'
import {aptInstall, live as liveCommand, withFix, type FileEdit, type Fix} from '../fixes.js'

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

/** Rules a host gets when it has none: changes to identity, sudo, sshd and audit configuration. */
const BASE_RULES = [
  '-w /etc/passwd -p wa -k identity',
  '-w /etc/group -p wa -k identity',
  '-w /etc/shadow -p wa -k identity',
  '-w /etc/sudoers -p wa -k privilege',
  '-w /etc/sudoers.d -p wa -k privilege',
  '-w /etc/ssh/sshd_config -p wa -k sshd',
  '-w /etc/audit -p wa -k audit-config',
]

interface AuditdState {
  installed: boolean
  fewRules: boolean
  service: string | null
  unwatched: string[]
  lock?: boolean
  off?: boolean
}

/**
 * The fix: install and enable auditd, a rules file when there are too few rules, and a watch
 * (reads and changes: `-p rwa`) appended for each model directory no watch covers, in a rules
 * file of its own so the two never overwrite each other. augenrules(8) loads rules.d/*.rules.
 */
function auditdFix(state: AuditdState): Partial<Fix> {
  const edits: FileEdit[] = []
  if (state.fewRules)
    edits.push({op: 'write', path: '/etc/audit/rules.d/llmsec-base.rules', content: `${BASE_RULES.join('\n')}\n`})
  for (const dir of state.unwatched)
    edits.push({op: 'append', path: '/etc/audit/rules.d/llmsec-models.rules', line: `-w ${dir} -p rwa -k llm-models`})
  // augenrules reads rules.d in name order: the lock must come last.
  if (state.lock) edits.push({op: 'append', path: '/etc/audit/rules.d/99-llmsec-finalize.rules', line: '-e 2'})
  const commands = [
    ...(state.installed ? [] : [aptInstall('auditd')]),
    ...(state.service || !state.installed ? [liveCommand('systemctl enable --now auditd')] : []),
    liveCommand('augenrules --load'),
  ]
  const steps = state.off ? ['remove the `-e 0` line from the audit rules files (it turns auditing off)'] : []
  return {edits, commands, steps}
}

export const check = defineCheck<Params>()({
  id: 'auditd-rules',
  title: 'auditd is installed, enabled and has rules',
  limits:
    'Not, under --root, that the rules are loaded in the kernel; on any host, not that records reach durable storage or that anyone reviews them.',
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
    const auditd = await facts.get('auditd')
    reader.note(...auditd.unreadable)
    const unwatched: string[] = []
    if (params.watchModels) {
      const models = await facts.get('models')
      reader.note(...models.unreadable)
      for (const d of existingModelDirs(models))
        if (!auditd.watches.some((w) => watchCovers(w, d.path))) unwatched.push(d.path)
    }
    const fewRules = auditd.ruleCount < (params.minRules ?? 1)
    if (!installed) {
      const missing = outcome.fail(['auditd is not installed (no /sbin/auditd)'])
      const fix = auditdFix({installed: false, fewRules, service: null, unwatched})
      return guardUnreadable(withFix(missing, fix), reader.unreadable)
    }
    const dupes = auditd.duplicates ? ` (${auditd.duplicates} repeated lines counted once)` : ''
    const evidence = [`${auditd.ruleCount} audit rules in ${auditd.rulesFiles.join(', ') || 'no rules file'}${dupes}`]
    if (auditd.enabled) evidence.push(ENABLED[auditd.enabled] ?? `-e ${auditd.enabled}`)
    const problems: string[] = []
    if (fewRules) problems.push(`fewer than ${params.minRules ?? 1} audit rules`)
    if (auditd.enabled === '0') problems.push('auditing is turned off (-e 0)')
    if (params.immutable && auditd.enabled !== '2') problems.push('rules are not locked (-e 2 missing)')
    const service = await serviceState(facts, live, reader)
    if (service) problems.push(service)
    for (const dir of unwatched) problems.push(`model directory ${dir} has no audit watch (-w ${dir})`)
    const verdict = problems.length
      ? withFix(
          outcome.fail([...problems, ...evidence], auditd.rulesFiles[0]),
          auditdFix({
            installed: true,
            fewRules,
            service,
            unwatched,
            lock: params.immutable && auditd.enabled !== '2',
            off: auditd.enabled === '0',
          }),
        )
      : outcome.pass(evidence, auditd.rulesFiles[0])
    return guardUnreadable(verdict, reader.unreadable)
  },
})
