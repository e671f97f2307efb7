import {Flags} from '@oclif/core'

import {REPORT_FORMATS} from '../../audit/reports/index.js'
import {outputFlag} from './output.js'

/** --sarif-category: GitHub code scanning's category, for users who upload without the upload action. */
export const sarifCategoryFlag = Flags.string({
  description:
    "SARIF automationDetails.id (e.g. llmsec/gpu-hosts); omitted by default so the upload's own category applies.",
})

/** --format/--output/--output-dir, shared by `llmsec audit` and `llmsec report`. */
export const reportFlags = {
  format: Flags.option({
    char: 'f',
    description: 'Report format (repeatable; several need --output-dir).',
    options: REPORT_FORMATS,
    multiple: true,
  })(),
  output: outputFlag('Write the report (one --format) to this file instead of stdout.'),
  'output-dir': Flags.string({
    description: 'Write each --format to <dir>/llmsec-audit.<ext> (created if missing), all from one run.',
  }),
  'sarif-category': sarifCategoryFlag,
}
