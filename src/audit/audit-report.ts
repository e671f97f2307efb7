import {resolve} from 'node:path'

import {imageFactEnv, runAudit, type AuditOptions} from './engine.js'
import {createFactCache} from './facts/index.js'
import {summarizeInventory} from './inventory-summary.js'
import type {ExitPolicy} from './policy.js'
import type {AuditReport} from './reports/report.types.js'
import {refuseCriticalWaivers} from './waiver-rules.js'
import {applyWaivers, type LoadedWaivers} from './waivers.js'
import type {AuditComparison} from './compare.types.js'
import {coreError} from '../core/errors.js'

/** Another host's results would list its differences as regressions and fixes: refused. The comparison is loaded for --compare only. */
async function compareWith(
  previous: {file: string; report: AuditReport},
  report: AuditReport,
): Promise<AuditComparison> {
  const then = previous.report.host
  if (typeof then === 'string' && report.host !== undefined && then !== report.host)
    throw coreError(
      'INPUT_MALFORMED',
      `${previous.file} is the audit of host ${then}, not ${report.host}. Compare with a result of the same host (or set --host-name).`,
    )
  return (await import('./compare.js')).compareAudits(previous.report, report, previous.file)
}

export interface AuditReportOptions extends AuditOptions {
  /** Waivers to apply (expiring exceptions); null or absent: none. */
  waivers?: LoadedWaivers | null
  /** The exit policy, recorded in the report for renderers that show why a build failed. */
  policy?: ExitPolicy
  /** "Today" for waiver expiry (tests pin it). */
  now?: Date
  /** Consent to waivers of critical rules (--allow-critical-waivers, or the config's waivers.allowCritical). */
  allowCriticalWaivers?: boolean
  /** A saved audit of the same host to compare with (`--compare`). */
  previous?: {file: string; report: AuditReport}
  /** An image file or OCI layout to audit in place (`--image`) instead of a root. */
  imageFile?: string
}

/**
 * Audits the host (or a root) and returns the complete report: waivers applied and the audit
 * scored again, the exit policy recorded, and the host inventory from the same fact cache, so
 * nothing is gathered twice. The exit code is then `exitCodeFor(report, policy)`.
 */
export async function runAuditReport(options: AuditReportOptions): Promise<AuditReport> {
  const {waivers: loaded = null, policy = {}, now, previous, allowCriticalWaivers = false, ...auditOptions} = options
  refuseCriticalWaivers(loaded, auditOptions.rulesets, allowCriticalWaivers)
  if (auditOptions.imageFile && auditOptions.root) throw coreError('USAGE', 'Give either --root or --image, not both.')
  // The image readers (tar, gzip, OCI layouts) are loaded for --image only.
  const image = auditOptions.imageFile
    ? await (await import('../image/index.js')).openImage(auditOptions.imageFile)
    : undefined
  try {
    return await auditAndReport({...auditOptions, image}, loaded, policy, now, previous)
  } finally {
    await image?.close()
  }
}

async function auditAndReport(
  auditOptions: AuditOptions,
  loaded: LoadedWaivers | null,
  policy: ExitPolicy,
  now: Date | undefined,
  previous: AuditReportOptions['previous'],
): Promise<AuditReport> {
  const root = auditOptions.image?.root ?? (auditOptions.root ? resolve(auditOptions.root) : '/')
  const {probe, walk, modelPaths, trust} = auditOptions
  const image = imageFactEnv(auditOptions.image)
  const facts = auditOptions.facts ?? createFactCache({root, probe, walk, modelPaths, trust, image})
  const audit = await runAudit({...auditOptions, facts})
  const {audit: waived, waivers} = applyWaivers(audit, loaded, now)
  const report: AuditReport = {
    ...waived,
    failOn: policy.failOn ?? 'high',
    failUnder: policy.failUnder ?? null,
    allowIncomplete: policy.allowIncomplete ?? false,
  }
  if (policy.failOnNew) report.failOnNew = policy.failOnNew
  if (loaded) report.waivers = waivers
  report.inventory = await summarizeInventory(facts)
  if (previous) report.comparison = await compareWith(previous, report)
  return report
}
