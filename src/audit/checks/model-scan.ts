import {scanFile} from '../../scan/index.js'
import {modelWalkGaps} from '../check-helpers.js'
import {defineCheck, outcome} from '../check.js'
import {resolveInRoot} from '../facts/index.js'

interface Params {
  maxFiles?: number
}

/**
 * Scans model files with the `scan` engine (pickle opcodes and imports, GGUF/safetensors
 * structure): unsafe fails, suspicious or malformed warns.
 */
export const check = defineCheck<Params>({
  id: 'model-scan',
  title: 'Model files pass the llmsec scanner',
  description:
    'Runs the scan engine (llmsec scan) over the model files: an unsafe verdict (code-executing pickle imports) fails; suspicious or malformed warns.',
  appliesWhen: ['model-files'],
  params: {
    type: 'object',
    additionalProperties: false,
    properties: {maxFiles: {type: 'integer', minimum: 1, maximum: 100_000}},
  },
  async run({root, facts, params, signal}) {
    const models = await facts.get('models')
    const {files} = models
    const limit = params.maxFiles ?? 500
    const bad: {line: string; path: string; verdict: string}[] = []
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
        verdict: report.verdict,
      })
    }
    const note = files.length > limit ? [`scanned the first ${limit} of ${files.length} model files`] : []
    const unsafe = bad.filter((b) => b.verdict === 'unsafe')
    if (unsafe.length) return outcome.fail([...bad.map((b) => b.line), ...note], unsafe[0].path)
    if (bad.length) return outcome.warn([...bad.map((b) => b.line), ...note], bad[0].path)
    const gaps = modelWalkGaps(models)
    if (gaps.length) return outcome.error(gaps.join('; '))
    return outcome.pass([`${scanned} model files scanned, all clean`, ...note])
  },
})
