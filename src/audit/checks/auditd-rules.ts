import {existingModelDirs} from '../check-helpers.js'
import {defineCheck, guardUnreadable, outcome} from '../check.js'
import {FactUnavailableError, RootReader} from '../facts/index.js'

interface Params {
  minRules?: number
  watchModels?: boolean
}

export const check = defineCheck<Params>()({
  id: 'auditd-rules',
  title: 'auditd is installed, running and has rules',
  description:
    'Looks for the auditd binary, rules in /etc/audit, a running auditd (live host) and optionally watches on model directories.',
  params: {
    type: 'object',
    additionalProperties: false,
    properties: {
      minRules: {type: 'integer', minimum: 1, nullable: true},
      watchModels: {type: 'boolean', nullable: true},
    },
  },
  async run({root, live, facts, params}) {
    const reader = new RootReader(root)
    const installed = (await reader.stat('/sbin/auditd')) ?? (await reader.stat('/usr/sbin/auditd'))
    if (!installed)
      return guardUnreadable(outcome.fail(['auditd is not installed (no /sbin/auditd)']), reader.unreadable)
    const auditd = await facts.get('auditd')
    reader.note(...auditd.unreadable)
    const evidence = [`${auditd.ruleCount} audit rules in ${auditd.rulesFiles.join(', ') || 'no rules file'}`]
    const problems: string[] = []
    if (auditd.ruleCount < (params.minRules ?? 1)) problems.push(`fewer than ${params.minRules ?? 1} audit rules`)
    if (live) {
      try {
        const running = (await facts.get('processes')).some((p) => p.comm === 'auditd')
        evidence.push(running ? 'auditd is running' : 'auditd is not running')
        if (!running) problems.push('auditd is not running')
      } catch (error) {
        if (!(error instanceof FactUnavailableError)) throw error
      }
    }
    if (params.watchModels) {
      const models = await facts.get('models')
      const {unreadable} = models
      reader.note(...unreadable)
      const unwatched = existingModelDirs(models).filter(
        (d) => !auditd.watches.some((w) => d.path.startsWith(w.replace(/\/$/, ''))),
      )
      for (const d of unwatched) problems.push(`model directory ${d.path} has no audit watch (-w)`)
    }
    const verdict = problems.length
      ? outcome.fail([...problems, ...evidence], auditd.rulesFiles[0])
      : outcome.pass(evidence, auditd.rulesFiles[0])
    return guardUnreadable(verdict, reader.unreadable)
  },
})
