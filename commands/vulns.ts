import {Flags} from '@oclif/core'

import {scanHostVulnerabilities} from '../src/audit/index.js'
import {LlmsecCommand} from '../src/cli/base-command.js'
import {renderVulnReport} from '../src/cli/render/vulns.js'
import {ExitCode} from '../src/core/errors.js'
import {resolveRootOption} from '../src/core/root-path.js'
import {atLeast, SEVERITIES, type Severity} from '../src/core/severity.js'
import type {VulnReport} from '../src/vulns/index.js'

export default class Vulns extends LlmsecCommand<typeof Vulns> {
  static override description = `Find pending security updates and vulnerable ML-stack versions, offline.
Reads dpkg's status and the root's own apt security lists (deb-version ordering), every Python environment (dist-info METADATA, egg-info PKG-INFO; PEP 440 ordering), the NVIDIA driver and container toolkit, and inference binaries, and judges them against llmsec's curated OSV data for the AI stack plus any OSV exports given with --db. Each finding names the service that uses the package (a systemd unit's ExecStart interpreter, a running process) and where it listens.
Anything that cannot be read or compared is a note (version-unparsable, input-unreadable…), never a silent pass. Exit 1 when a finding reaches --fail-on.`
  static override examples = [
    '<%= config.bin %> vulns',
    '<%= config.bin %> vulns --root /mnt/image --json',
    '<%= config.bin %> vulns --db ~/osv/PyPI-all.zip --db ~/osv/Debian-all.zip --fail-on critical',
    '<%= config.bin %> vulns --ignore CVE-2024-0134',
  ]
  static override flags = {
    root: Flags.string({
      description: 'Inspect a mounted root filesystem or unpacked image offline; binaries are not run.',
    }),
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
  }

  async run(): Promise<VulnReport> {
    const {flags} = await this.parse(Vulns)
    const root = await resolveRootOption(flags.root)
    const ignore = (flags.ignore ?? []).map((id) => ({id, by: 'flag' as const, reason: '--ignore'}))
    const report = await scanHostVulnerabilities({root, live: root === '/', dbPaths: flags.db, ignore})
    this.render(renderVulnReport(report, this.style))
    const failOn = flags['fail-on']
    const failing =
      failOn !== 'none' && report.findings.some((f) => !f.ignored && atLeast(f.severity, failOn as Severity))
    this.setExitCode(failing ? ExitCode.Findings : ExitCode.Ok)
    return report
  }
}
