import {Flags} from '@oclif/core'

import {scanHostVulnerabilities} from '../src/audit/index.js'
import {loadWaivers, waiverSettings} from '../src/audit/reports/index.js'
import {LlmsecCommand} from '../src/cli/base-command.js'
import {imageFlag, withInspected} from '../src/cli/flags/image.js'
import {outputFlag} from '../src/cli/flags/output.js'
import {sarifCategoryFlag} from '../src/cli/flags/report.js'
import {renderVulnReport} from '../src/cli/render/vulns.js'
import {ExitCode} from '../src/core/errors.js'
import {writeFileAtomic} from '../src/core/fs.js'
import {atLeast, SEVERITIES, type Severity} from '../src/core/severity.js'
import {renderVulnMetrics, renderVulnSarif, type VulnReport} from '../src/vulns/index.js'

export default class Vulns extends LlmsecCommand<typeof Vulns> {
  static override description = `Find pending security updates and vulnerable ML-stack versions, offline.
Reads dpkg's status and the root's own apt security lists (deb-version ordering), every Python environment (dist-info METADATA, egg-info PKG-INFO; PEP 440 ordering), the NVIDIA driver and container toolkit, and inference binaries, and judges them against llmsec's curated OSV data for the AI stack plus any OSV exports given with --db. Each finding names the service that uses the package (a systemd unit's ExecStart interpreter, a running process) and where it listens.
Anything that cannot be read or compared is a note (version-unparsable, input-unreadable…), never a silent pass. Exit 1 when a finding reaches --fail-on.`
  static override examples = [
    '<%= config.bin %> vulns',
    '<%= config.bin %> vulns --root /mnt/image --json',
    '<%= config.bin %> vulns --image vllm.tar --format sarif --output vulns.sarif',
    '<%= config.bin %> vulns --db ~/osv/PyPI-all.zip --db ~/osv/Debian-all.zip --fail-on critical',
    '<%= config.bin %> vulns --ignore CVE-2024-0134',
    '<%= config.bin %> vulns --root /mnt/image --format sarif --output vulns.sarif',
  ]
  static override flags = {
    root: Flags.string({
      description: 'Inspect a mounted root filesystem or unpacked image offline; binaries are not run.',
    }),
    image: imageFlag,
    db: Flags.string({
      description: 'An OSV export to add: a directory of OSV JSON files or an all.zip (repeatable; read as a stream).',
      multiple: true,
    }),
    'fail-on': Flags.option({
      description: "Exit 1 when a finding has this severity or higher ('none': never).",
      options: [...SEVERITIES, 'none'] as const,
      default: 'high',
    })(),
    ignore: Flags.string({
      description: 'Report but do not count findings with this advisory id (repeatable).',
      multiple: true,
    }),
    waivers: Flags.string({
      description:
        "Waivers file, as the audit's (rule: an advisory id in lower case, cve-2024-0132; path: a glob on the environment) [default: waivers.file in the config; ./.llmsec-waivers.yaml only with waivers.autoload: true].",
    }),
    format: Flags.option({
      char: 'f',
      description: 'Output format of the report.',
      options: ['table', 'sarif', 'prometheus'] as const,
      default: 'table',
    })(),
    output: outputFlag('Write the report to this file instead of stdout (temporary file, fsync, rename).'),
    'sarif-category': sarifCategoryFlag,
  }

  async run(): Promise<VulnReport> {
    const {flags} = await this.parse(Vulns)
    const {config} = await this.config_()
    const {waivers, note} = await loadWaivers(flags.waivers, waiverSettings(config.waivers))
    if (note) this.warn(note)
    const ignore = (flags.ignore ?? []).map((id) => ({id, by: 'flag' as const, reason: '--ignore'}))
    const report = await withInspected(flags, async ({root, live, image}) =>
      scanHostVulnerabilities({root, live, image: image ?? undefined, dbPaths: flags.db, ignore, waivers}),
    )
    const machine = flags.format !== 'table'
    const text =
      flags.format === 'sarif'
        ? renderVulnSarif(report, this.config.version, flags['sarif-category'])
        : flags.format === 'prometheus'
          ? renderVulnMetrics(report)
          : this.humanOrJson(report, renderVulnReport(report, this.style))
    if (flags.output) await writeFileAtomic(flags.output, text)
    else if (machine && !this.jsonEnabled()) process.stdout.write(text)
    else this.render(text)
    const failOn = flags['fail-on']
    const failing =
      failOn !== 'none' && report.findings.some((f) => !f.ignored && atLeast(f.severity, failOn as Severity))
    this.setExitCode(failing ? ExitCode.Findings : ExitCode.Ok)
    return report
  }
}
