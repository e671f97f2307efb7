import {scanFile} from '../../scan/index.js'
import {defineCheck, guardUnreadable, outcome} from '../check.js'
import {resolveInRoot} from '../facts/index.js'

interface Params {
  maxFiles?: number
}

/**
 * Scans model files with the `scan` engine (pickle opcodes and imports, GGUF/safetensors
 * structure): unsafe, unknown (not fully analysed) and malformed all fail.
 */
export const check = defineCheck<Params>()({
  id: 'model-scan',
  title: 'Model files pass the llmsec scanner',
  description:
    'Runs the scan engine (llmsec scan) over the model files: an unsafe verdict (imports outside the allowlist) or an unknown one (not fully analysed) or a malformed file fails.',
  appliesWhen: ['model-files'],
  params: {
    type: 'object',
    additionalProperties: false,
    properties: {maxFiles: {type: 'integer', minimum: 1, maximum: 100_000, nullable: true}},
  },
  async run({root, facts, params, signal}) {
    const {files, unreadable} = await facts.get('models')
    const limit = params.maxFiles ?? 500
    const bad: {line: string; path: string}[] = []
    let scanned = 0
    for (const file of files.slice(0, limit)) {
      if (signal?.aborted) break
      if (file.format === 'llmsec-encrypted') continue
      const report = scanFile(await resolveInRoot(root, file.path))
      scanned++
      if (report.verdict === 'clean') continue
      const first = report.findings[0]
      bad.push({
        line: `${file.path}: ${report.verdict}${first ? ` (${first.code}: ${first.message})` : ''}`,
        path: file.path,
      })
    }
    const note = files.length > limit ? [`scanned the first ${limit} of ${files.length} model files`] : []
    const lines = [...bad.map((b) => b.line), ...note]
    const verdict = bad.length
      ? outcome.fail(lines, bad[0].path)
      : outcome.pass([`${scanned} model files scanned, all clean`, ...note])
    return guardUnreadable(verdict, unreadable, true)
  },
})
