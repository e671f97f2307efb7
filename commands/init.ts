import {resolve} from 'node:path'

import {Flags} from '@oclif/core'

import {pathExists} from '../src/core/fs.js'
import {outputExistsError, usageError} from '../src/core/errors.js'
import {
  buildConfig,
  defaultAnswers,
  discoverSetup,
  installUnits,
  renderUnits,
  writeConfig,
  type Discovered,
  type InitAnswers,
} from '../src/init/index.js'
import {LlmsecCommand} from '../src/cli/base-command.js'
import {describeReadFrom, readFromHere, type ReadFrom} from '../src/cli/config-source.js'
import {outputFlag} from '../src/cli/flags/output.js'
import {askInitAnswers, confirmOverwrite} from '../src/cli/init-prompts.js'
import {CONFIG_LOCATIONS, configSearchPaths, type LlmsecConfig} from '../src/core/config.js'

export interface InitResult {
  file: string
  written: boolean
  config: LlmsecConfig
  /** Which configuration llmsec reads from the current directory, now that the file is written. */
  readFrom: ReadFrom
  /** What discovery found (absent when an existing file was kept). */
  found?: Pick<Discovered, 'modelDirs' | 'modelFiles' | 'endpoints'>
}

/** `init --systemd`: the scheduled-audit units written, and how to start them. */
export interface InitSystemdResult {
  units: string[]
  enable: string[]
}

export default class Init extends LlmsecCommand<typeof Init> {
  static override description =
    'Write llmsec.yaml: model directories, inference endpoints, rulesets, signing key and egress allowlist'
  static override examples = [
    '<%= config.bin %> init',
    '<%= config.bin %> init --yes',
    '<%= config.bin %> init --yes --location user',
    'sudo <%= config.bin %> init --yes --force --location system',
    '<%= config.bin %> init --root /mnt/image --yes --output /mnt/image/etc/llmsec/config.yaml',
    'sudo <%= config.bin %> init --systemd',
  ]
  static override flags = {
    yes: Flags.boolean({
      char: 'y',
      description: 'Write the defaults (everything found, the baseline ruleset) without prompting.',
    }),
    force: Flags.boolean({description: 'Overwrite an existing file without asking.'}),
    location: Flags.option({
      description:
        'Write to this place of the configuration search order: project (./llmsec.yaml), user ($XDG_CONFIG_HOME/llmsec/config.yaml) or system (/etc/llmsec/config.yaml).',
      options: CONFIG_LOCATIONS,
      default: 'project',
      exclusive: ['output'],
    })(),
    output: outputFlag('Write to this file instead (llmsec reads it only with --config).', 'file'),
    root: Flags.string({description: 'Discover model directories and runtimes in a mounted root filesystem.'}),
    systemd: Flags.boolean({
      description:
        "Instead of the configuration, write the daily audit units (llmsec-audit.service and .timer) naming this llmsec and the configuration's model paths; enabling them is left to you.",
      exclusive: ['location', 'output', 'root', 'yes'],
    }),
    'systemd-dir': Flags.string({
      description: 'Where --systemd writes the units [default: /etc/systemd/system].',
      dependsOn: ['systemd'],
    }),
  }

  async run(): Promise<InitResult | InitSystemdResult> {
    if (this.flags.systemd) return this.installSystemd()
    const {location} = this.flags
    const file = this.flags.output
      ? resolve(this.flags.output)
      : configSearchPaths().find((c) => c.location === location)!.file
    const interactive = !this.flags.yes
    if (interactive && (!process.stdin.isTTY || this.jsonEnabled()))
      throw usageError('llmsec init asks questions, but stdin is not a terminal (or --json is set); pass --yes.')
    let overwrite = this.flags.force
    if (!overwrite && (await pathExists(file))) {
      if (!interactive) throw outputExistsError(file)
      if (!(await confirmOverwrite(file))) {
        this.note(`kept ${file} unchanged`)
        return this.finish(file, false, {})
      }
      overwrite = true
    }
    const found = await discoverSetup({root: this.flags.root})
    for (const note of found.notes) this.note(note)
    for (const file of found.modelFiles) this.note(`found model ${file.path} (${file.format})`)
    const answers: InitAnswers = interactive ? await askInitAnswers(found) : defaultAnswers(found)
    const config = buildConfig(answers)
    await writeConfig(file, config, overwrite, location === 'user' && !this.flags.output ? 0o700 : 0o755)
    this.render(`wrote ${file}`)
    const {modelDirs, modelFiles, endpoints} = found
    return {...(await this.finish(file, true, config)), found: {modelDirs, modelFiles, endpoints}}
  }

  private async installSystemd(): Promise<InitSystemdResult> {
    const {config} = await this.config_()
    const units = await renderUnits(resolve(process.argv[1]), config.models?.paths ?? [])
    const paths = await installUnits(
      resolve(this.flags['systemd-dir'] ?? '/etc/systemd/system'),
      units,
      this.flags.force,
    )
    const enable = ['systemctl daemon-reload', 'systemctl enable --now llmsec-audit.timer']
    this.render([...paths.map((p) => `wrote ${p}`), `start the daily audit with: ${enable.join(' && ')}`].join('\n'))
    return {units: paths, enable}
  }

  private async finish(file: string, written: boolean, config: LlmsecConfig): Promise<InitResult> {
    const readFrom = await readFromHere(file)
    this.note(describeReadFrom(readFrom, file))
    return {file, written, config, readFrom}
  }
}
