import {Args, Flags} from '@oclif/core'

import {LlmsecCommand} from '../src/cli/base-command.js'
import {durationFlag} from '../src/cli/flags/duration.js'
import {imageFlag, withInspected, type Inspected} from '../src/cli/flags/image.js'
import {outputFlag} from '../src/cli/flags/output.js'
import {renderScanReport} from '../src/cli/render/scan.js'
import {usageError} from '../src/core/errors.js'
import {writeFileAtomic} from '../src/core/fs.js'
import {SEVERITIES} from '../src/core/severity.js'
import {
  DEFAULT_FILE_TIMEOUT_MS,
  exitCodeFor,
  isDangerous,
  renderScanMetrics,
  scanInRoot,
  scanPaths,
  type ScanResult,
} from '../src/scan/index.js'

/** "module.name" with a dotted module path: what a pickle GLOBAL names. */
const GLOBAL_NAME = /^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)+$/

export default class Scan extends LlmsecCommand<typeof Scan> {
  static override description =
    'Find code a loader would run and headers a loader would reject in model files, statically: nothing is loaded or executed.\n' +
    'Reads pickles (protocols 0–5), PyTorch zip, legacy and tar checkpoints, NumPy .npy/.npz, joblib, Keras .keras/.h5, ' +
    'safetensors, GGUF, ONNX and nested archives. Pickle imports are judged against an allowlist (docs/scan-policy.md); ' +
    'anything not fully analysed is `unknown`, never clean. Exit 1 when a finding reaches --fail-on.'
  static override examples = [
    '<%= config.bin %> scan ./model.pt',
    '<%= config.bin %> scan /srv/models --exclude "*.txt" --exclude ".git"',
    '<%= config.bin %> scan ./checkpoints --allow-global mylab.models.Net --file-timeout 30s --json',
    '<%= config.bin %> scan ./checkpoints --fail-on critical',
    '<%= config.bin %> scan --image vllm.tar /srv/models',
    '<%= config.bin %> scan /srv/models --format prometheus --output /var/lib/prometheus/node-exporter/llmsec-scan.prom',
  ]
  static override strict = false
  static override args = {
    path: Args.string({
      description:
        'Files or directories to scan (directories recursively); with --image, paths inside the image [default: /].',
    }),
  }
  static override flags = {
    image: imageFlag,
    exclude: Flags.string({description: 'Skip files and directories matching this glob (repeatable).', multiple: true}),
    'allow-global': Flags.string({
      description:
        'Also allow this pickle global, as module.name (repeatable; added to scan.allowGlobals of llmsec.yaml). ' +
        'Known-dangerous callables cannot be allowed.',
      multiple: true,
    }),
    'fail-on': Flags.option({
      description: "Exit 1 when any finding has this severity or higher ('none': never).",
      options: [...SEVERITIES, 'none'] as const,
      default: 'high',
    })(),
    'file-timeout': durationFlag({
      description: 'Time budget for one file; a file not analysed within it is unknown.',
      bareUnit: 's',
      min: 100,
      max: 3_600_000,
      default: DEFAULT_FILE_TIMEOUT_MS,
    }),
    format: Flags.option({
      char: 'f',
      description: 'Output format: the table, or Prometheus metrics for the node_exporter textfile collector.',
      options: ['table', 'prometheus'] as const,
      default: 'table',
    })(),
    output: outputFlag('Write the report to this file instead of stdout (temporary file, fsync, rename).'),
  }

  async run(): Promise<ScanResult & {image?: Inspected['image']}> {
    const {argv, flags} = await this.parse(Scan)
    const {config} = await this.config_()
    const allowGlobals = [...(config.scan?.allowGlobals ?? []), ...(flags['allow-global'] ?? [])]
    for (const global of allowGlobals) {
      if (!GLOBAL_NAME.test(global)) throw usageError(`--allow-global ${global} is not a module.name global.`)
      if (isDangerous(global))
        throw usageError(`--allow-global ${global} names a known-dangerous callable; it cannot be allowed.`)
    }
    if (this.jsonEnabled() && flags.format !== 'table' && !flags.output)
      throw usageError('--json already prints the result on stdout; add --output <file> for the other format.')
    const paths = argv as string[]
    if (!flags.image && paths.length === 0) throw usageError('Name a file or directory to scan (or --image IMAGE).')
    const options = {
      exclude: flags.exclude,
      allowGlobals,
      fileTimeoutMs: flags['file-timeout'],
      onProgress: this.progress(),
    }
    const result = flags.image
      ? await withInspected(flags, async ({root, image}) => ({
          ...(await scanInRoot(root, paths.length ? paths : ['/'], options)),
          image: image!,
        }))
      : await scanPaths(paths, options)
    const text =
      flags.format === 'prometheus'
        ? renderScanMetrics(result)
        : this.humanOrJson(result, renderScanReport(result, this.style))
    if (flags.output) await writeFileAtomic(flags.output, text)
    else if (flags.format === 'prometheus' && !this.jsonEnabled()) process.stdout.write(text)
    else this.render(text.trimEnd())
    this.setExitCode(exitCodeFor(result, {failOn: flags['fail-on']}))
    return result
  }
}
