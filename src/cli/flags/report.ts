import {Flags} from '@oclif/core'

import {REPORT_FORMATS} from '../../audit/reports/index.js'
import {outputFlag} from './output.js'

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
}
