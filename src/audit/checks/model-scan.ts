import type {FileReport} from '../../scan/index.js'
import {defineCheck, guardUnreadable, outcome, type CheckOutcome} from '../check.js'
import {unreadable as unreadableAt, type Unreadable} from '../../core/root-path.js'

interface Params {
  maxFiles?: number
  fileTimeoutMs?: number
}

const DEFAULT_MAX_FILES = 500

const badLine = (path: string, report: FileReport) => {
  const first = report.findings[0]
  return `${path}: ${report.verdict}${first ? ` (${first.code}: ${first.message})` : ''}`
}

/** Why the files scanned are not all the model files there are, or null when they are. */
function incompleteNote(scanned: number, total: number, truncated: boolean, limit: number): string | null {
  if (truncated)
    return `scanned ${scanned} model files, but the model walk stopped at its entry or depth limit: more may exist`
  if (scanned < total)
    return `scanned ${scanned} of ${total} model files (maxFiles ${limit}); the rest were not analysed`
  return null
}

/**
 * Scans model files with the `scan` engine, each on a worker thread with the per-file time budget
 * of `llmsec scan`: unsafe, unknown (not fully analysed) and malformed all fail. A scan that did
 * not cover every model file is an `error`, never a pass.
 */
export const check = defineCheck<Params>()({
  id: 'model-scan',
  title: 'Model files pass the llmsec scanner',
  description:
    'Runs the scan engine (llmsec scan, isolated per file, with its time budget) over the model files (inside an --image, read in place from its layers): an unsafe verdict (imports outside the allowlist), an unknown one (not fully analysed) or a malformed file fails; model files left unscanned make the result an error.',
  appliesWhen: ['model-files'],
  params: {
    type: 'object',
    additionalProperties: false,
    properties: {
      maxFiles: {type: 'integer', minimum: 1, maximum: 100_000, nullable: true},
      fileTimeoutMs: {type: 'integer', minimum: 100, maximum: 600_000, nullable: true},
    },
  },
  async run({root, facts, params, signal}) {
    const {files, truncated, unreadable} = await facts.get('models')
    const limit = params.maxFiles ?? DEFAULT_MAX_FILES
    const candidates = files.filter((f) => f.format !== 'llmsec-encrypted')
    // A file with no bytes to scan (a loop; a compressed image member too large to hold) is unreadable: never a pass.
    const failed: Unreadable[] = []
    // The scan engine is loaded when there are model files to scan (appliesWhen), not by every audit.
    const {DEFAULT_FILE_TIMEOUT_MS, scanInRoot} = await import('../../scan/index.js')
    const result = await scanInRoot(
      root,
      candidates.slice(0, limit).map((f) => f.path),
      {
        fileTimeoutMs: params.fileTimeoutMs ?? DEFAULT_FILE_TIMEOUT_MS,
        signal,
        onUnreadable: (path, error) => failed.push(unreadableAt(path, error.code ?? 'EIO')),
      },
    )
    if (signal?.aborted) return outcome.error('the audit stopped this check before the scan finished')
    const bad: string[] = []
    let location: string | undefined
    for (const report of result.files) {
      if (report.verdict === 'clean') continue
      location ??= report.path
      bad.push(badLine(report.path, report))
    }
    const note = incompleteNote(Math.min(limit, candidates.length), candidates.length, truncated, limit)
    let verdict: CheckOutcome
    if (bad.length) verdict = outcome.fail(note ? [...bad, note] : bad, location)
    else if (note)
      verdict = {...outcome.error(note), evidence: [note, `the ${result.files.length} files scanned are clean`]}
    else verdict = outcome.pass([`${result.files.length} model files scanned, all clean`])
    return guardUnreadable(verdict, [...unreadable, ...failed], true)
  },
})
