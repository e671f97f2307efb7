import {createHash, randomUUID} from 'node:crypto'

import {
  automationDetails,
  INFORMATION_URI,
  physicalLocation,
  rootBase,
  SARIF_LEVEL as LEVEL,
  SARIF_SCHEMA,
  SECURITY_SEVERITY,
} from '../../core/sarif.js'
import {stringifyAt} from '../../core/json-chunks.js'
import {describeWaiver, rowsOf, type Row} from './model.js'
import type {AuditReport, RejectedResult} from './report.types.js'
import type {FleetReport} from './fleet.types.js'

type Json = Record<string, unknown>

function ruleDescriptor(row: Row): Json {
  const r = row.result
  const controlTags = Object.entries(r.controls).flatMap(([framework, ids]) => ids.map((id) => `${framework}:${id}`))
  const help = [r.description, r.rationale && `Why: ${r.rationale}`, `Fix: ${r.remediation}`]
    .filter(Boolean)
    .join('\n\n')
  return {
    id: row.key,
    name: row.key.replace(/[.-](\w)/g, (_, c: string) => c.toUpperCase()),
    shortDescription: {text: r.title},
    fullDescription: {text: r.description ?? r.title},
    ...(r.helpUri ? {helpUri: r.helpUri} : {}),
    help: {text: help, markdown: help.replace(/\n {2}(\S.*)/g, '\n```\n$1\n```')},
    defaultConfiguration: {level: LEVEL[r.severity]},
    properties: {
      'security-severity': SECURITY_SEVERITY[r.severity],
      tags: ['security', ...controlTags],
      severity: r.severity,
    },
  }
}

function locationOf(row: Row, host: string): Json {
  return {
    physicalLocation: physicalLocation(row.result.location, row.key),
    logicalLocations: [{name: host, kind: 'module'}],
  }
}

/**
 * The finding's identity across runs: rule and file, and the host only in a fleet file (one run per
 * host), so an ephemeral runner's random hostname does not open a new alert on every run.
 */
function fingerprint(row: Row, host: string | null): string {
  return createHash('sha256')
    .update(`${host ?? ''}\u0000${row.key}\u0000${row.result.location ?? ''}`)
    .digest('hex')
    .slice(0, 32)
}

function resultOf(row: Row, ruleIndex: number, host: string, fleet: boolean): Json {
  const r = row.result
  const level = LEVEL[r.severity]
  const message = [`${r.title}: ${r.evidence.join('; ') || r.status}`, `Fix: ${r.remediation.split('\n')[0]}`].join(' ')
  return {
    ruleId: row.key,
    ruleIndex,
    kind: 'fail',
    level,
    message: {text: message},
    locations: [locationOf(row, host)],
    partialFingerprints: {'llmsecFinding/v2': fingerprint(row, fleet ? host : null)},
    ...(r.waived
      ? {
          suppressions: [
            {
              kind: 'external',
              status: 'accepted',
              justification: `${r.waived.reason} (approved by ${r.waived.by ?? 'unknown'}, expires ${r.waived.expires ?? 'never'})`,
            },
          ],
        }
      : {}),
    properties: {status: row.status, severity: r.severity, evidence: r.evidence, host},
  }
}

/** Descriptors kept per rule id. */
const MAX_VARIANTS = 8

/** What a descriptor is made of (ruleDescriptor reads only these). */
const DESCRIBED = ['title', 'description', 'rationale', 'remediation', 'helpUri', 'severity'] as const

function sameControls(a: Row['result']['controls'], b: Row['result']['controls']): boolean {
  const keys = Object.keys(a)
  if (keys.length !== Object.keys(b).length) return false
  return keys.every((k) => {
    const x = a[k]
    const y = b[k]
    return y !== undefined && x.length === y.length && x.every((id, i) => id === y[i])
  })
}

const utf8 = new TextEncoder()

/** Where a run's rule descriptors sit in its text (sarifRunText): runs[i].tool.driver.rules[j]. */
const RULES_INDENT = ' '.repeat(10)
const DESCRIPTOR_INDENT = ' '.repeat(12)

/**
 * A rule's descriptor as UTF-8 text at its place in a run, made once per distinct content: the hosts of
 * a fleet share their rules, and a descriptor depends only on the rule id, the DESCRIBED fields and
 * the controls. Descriptors are half of a fleet's SARIF; stringifying each once halves the work.
 */
function cachedDescriptor(row: Row, cache: DescriptorCache): Uint8Array {
  const r = row.result
  const known = cache.get(row.key) ?? []
  const hit = known.find(
    ({source}) => DESCRIBED.every((f) => source[f] === r[f]) && sameControls(source.controls, r.controls),
  )
  if (hit) return hit.bytes
  const bytes = utf8.encode(stringifyAt(ruleDescriptor(row), DESCRIPTOR_INDENT))
  // A rule whose text differs on every host (its fix names host paths) is not worth a cache.
  if (known.length < MAX_VARIANTS) known.push({source: r, bytes})
  cache.set(row.key, known)
  return bytes
}

/**
 * Stands for the rules list while a run is stringified, then replaced by the descriptors' texts.
 * Random per process, so no text a result file carries can be taken for it.
 */
const RULES_ID = `llmsec-rules-${randomUUID()}`
const RULES_MARK = JSON.stringify(RULES_ID)

function runOf(
  report: AuditReport,
  host: string,
  options: SarifOptions & {fleet: boolean},
): {json: Json; rules: Row[]} {
  const rows = rowsOf(report, host)
  const findings = rows.filter((r) => r.status === 'fail' || r.status === 'waived')
  const rules = [...new Map(rows.map((r) => [r.key, r])).values()].sort((a, b) => a.key.localeCompare(b.key))
  const index = new Map(rules.map((r, i) => [r.key, i]))
  const notices = (report.waivers?.outcomes ?? [])
    .filter((o) => o.state !== 'active')
    .map((o) => ({
      level: o.state === 'expired' ? 'error' : 'warning',
      message: {text: describeWaiver(o, report.waivers?.file ?? 'waivers')},
      descriptor: {id: `waiver-${o.state}`},
    }))
  const errors = rows
    .filter((r) => r.status === 'error')
    .map((r) => ({level: 'error', message: {text: `${r.key}: ${r.result.reason ?? r.result.evidence[0] ?? 'error'}`}}))
  const json = {
    tool: {
      driver: {
        name: 'llmsec',
        version: report.llmsecVersion ?? '0.0.0',
        informationUri: INFORMATION_URI,
        rules: RULES_ID,
      },
    },
    ...automationDetails(options.category),
    originalUriBaseIds: {
      ROOTFS: rootBase(report.root ?? null, report.image ? {name: host, file: report.image.file} : undefined),
    },
    invocations: [
      {
        executionSuccessful: errors.length === 0,
        ...(report.startedAt ? {startTimeUtc: report.startedAt} : {}),
        toolExecutionNotifications: errors,
        toolConfigurationNotifications: notices,
      },
    ],
    results: findings.map((row) => resultOf(row, index.get(row.key) ?? 0, host, options.fleet)),
    properties: {
      score: report.score,
      ...(report.headline ? {headline: report.headline} : {}),
      host,
      ...(report.image ? {image: report.image} : {}),
      os: report.os ?? report.inventory?.os ?? null,
      rulesets: report.rulesets.map((r) => ({id: r.id, score: r.score})),
    },
  }
  return {json, rules}
}

export interface SarifOptions {
  /** `--sarif-category`: the run's automationDetails.id (none by default). */
  category?: string
}

/**
 * SARIF 2.1.0: one run per host, rules with security-severity, results for failures and waived
 * failures; written a run at a time (the same text as JSON.stringify of the whole log, indent 2).
 * Refused result files of a fleet are listed in the log's `properties.rejected`.
 */
export function* sarifChunks(input: AuditReport | FleetReport, options: SarifOptions = {}): Generator<string> {
  const fleet = 'kind' in input && input.kind === 'fleet' ? input : null
  const hosts = fleet ? fleet.hosts : [{report: input as AuditReport, host: (input as AuditReport).host ?? 'unknown'}]
  const descriptors: DescriptorCache = new Map()
  yield SARIF_LOG_HEAD
  for (const [i, h] of hosts.entries())
    yield sarifRunSeparator(i) + sarifRunText(h.report, h.host, {...options, fleet: fleet !== null}, descriptors)
  yield sarifLogTail(fleet?.rejected ?? [])
}

/** Rule descriptors made once per distinct content, for one log (cachedDescriptor). */
export type DescriptorCache = Map<string, {source: Row['result']; bytes: Uint8Array}[]>

/** A SARIF log is this, each run after its separator (sarifRunSeparator), then its tail (sarifLogTail). */
export const SARIF_LOG_HEAD = `{\n  "$schema": ${JSON.stringify(SARIF_SCHEMA)},\n  "version": "2.1.0",\n  "runs": [`

/** One host's run as text at its place in the log. */
function sarifRunText(
  report: AuditReport,
  host: string,
  options: SarifOptions & {fleet: boolean},
  descriptors: DescriptorCache,
): string {
  return new TextDecoder().decode(sarifRunBytes(report, host, options, descriptors))
}

const LIST = {
  open: utf8.encode(`[\n${DESCRIPTOR_INDENT}`),
  next: utf8.encode(`,\n${DESCRIPTOR_INDENT}`),
  close: utf8.encode(`\n${RULES_INDENT}]`),
  empty: utf8.encode('[]'),
}

/**
 * One host's run as UTF-8 at its place in the log: the run stringified with a mark for its rules,
 * and the descriptors' bytes (made once per log) copied where the mark was.
 */
export function sarifRunBytes(
  report: AuditReport,
  host: string,
  options: SarifOptions & {fleet: boolean},
  descriptors: DescriptorCache,
): Uint8Array {
  const run = runOf(report, host, options)
  const text = stringifyAt(run.json, '    ')
  // The mark is in the text once, where the rules go: nothing else can hold this random value.
  const at = text.indexOf(RULES_MARK)
  const parts = [utf8.encode(text.slice(0, at))]
  for (const [i, row] of run.rules.entries()) parts.push(i ? LIST.next : LIST.open, cachedDescriptor(row, descriptors))
  parts.push(run.rules.length ? LIST.close : LIST.empty, utf8.encode(text.slice(at + RULES_MARK.length)))
  // Never from Buffer's shared pool: the bytes may be transferred to another thread.
  const out = Buffer.allocUnsafeSlow(parts.reduce((n, p) => n + p.length, 0))
  let length = 0
  for (const part of parts) {
    out.set(part, length)
    length += part.length
  }
  return out
}

export function sarifRunSeparator(index: number): string {
  return `${index ? ',' : ''}\n    `
}

export function sarifLogTail(rejected: RejectedResult[]): string {
  const properties = rejected.length ? `,\n  "properties": ${stringifyAt({rejected}, '  ')}` : ''
  return `\n  ]${properties}\n}\n`
}

export function renderSarif(input: AuditReport | FleetReport, options: SarifOptions = {}): string {
  return [...sarifChunks(input, options)].join('')
}
