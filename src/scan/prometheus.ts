import {renderExposition, runMetrics} from '../core/prometheus.js'
import type {ScanResult, Verdict} from './scan.types.js'

const VERDICTS: Verdict[] = ['clean', 'unsafe', 'unknown', 'malformed']

/** `scan --format prometheus`: unsafe model files, files per verdict, run time. */
export function renderScanMetrics(result: ScanResult, now = new Date()): string {
  return renderExposition([
    {
      name: 'llmsec_unsafe_models',
      help: 'Model files whose loading can run code (verdict unsafe).',
      samples: [{value: result.summary.unsafe}],
    },
    {
      name: 'llmsec_model_files',
      help: 'Scanned model files per verdict (unknown: not fully analysed, so not clean).',
      samples: VERDICTS.map((verdict) => ({labels: {verdict}, value: result.summary[verdict]})),
    },
    ...runMetrics('scan', now, result.summary.durationMs),
  ])
}
