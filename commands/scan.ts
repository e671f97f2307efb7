import {Args, Flags} from '@oclif/core'

import {LlmsecCommand} from '../src/cli/base-command.js'
import {renderScanReport} from '../src/cli/render/scan.js'
import {SEVERITIES} from '../src/core/severity.js'
import {exitCodeFor, scanPaths, type ScanResult} from '../src/scan/index.js'

export default class Scan extends LlmsecCommand<typeof Scan> {
  static override description =
    'Find unsafe serialization and malformed headers in model files, statically: nothing is loaded or executed.\n' +
    'Reads pickles (protocols 0–5), PyTorch zip and legacy checkpoints, NumPy .npy/.npz, joblib, Keras .keras/.h5, ' +
    'safetensors, GGUF, ONNX and nested archives. Exit 1 when a finding reaches --fail-on.'
  static override examples = [
    '<%= config.bin %> scan ./model.pt',
    '<%= config.bin %> scan /srv/models --exclude "*.txt" --exclude ".git"',
    '<%= config.bin %> scan ./checkpoints --fail-on critical --json',
  ]
  static override strict = false
  static override args = {
    path: Args.string({description: 'Files or directories to scan (directories recursively).', required: true}),
  }
  static override flags = {
    exclude: Flags.string({description: 'Skip files and directories matching this glob (repeatable).', multiple: true}),
    'fail-on': Flags.option({
      description: 'Exit 1 when any finding has this severity or higher.',
      options: SEVERITIES,
      default: 'high',
    })(),
  }

  async run(): Promise<ScanResult> {
    const {argv, flags} = await this.parse(Scan)
    const result = await scanPaths(argv as string[], {exclude: flags.exclude, onProgress: this.progress()})
    this.render(renderScanReport(result, this.style))
    this.setExitCode(exitCodeFor(result, {failOn: flags['fail-on']}))
    return result
  }
}
