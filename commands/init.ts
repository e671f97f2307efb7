import {resolve} from 'node:path'

import {Flags} from '@oclif/core'

import {pathExists} from '../src/core/fs.js'
import {outputExistsError, usageError} from '../src/core/errors.js'
import {buildConfig, defaultAnswers, discoverSetup, writeConfig, type InitAnswers} from '../src/init/index.js'
import {LlmsecCommand} from '../src/cli/base-command.js'
import {askInitAnswers, confirmOverwrite} from '../src/cli/init-prompts.js'
import type {LlmsecConfig} from '../src/core/config.js'

export interface InitResult {
  file: string
  written: boolean
  config: LlmsecConfig
}

export default class Init extends LlmsecCommand<typeof Init> {
  static override description =
    'Write llmsec.yaml: model directories, inference endpoints, rulesets, signing key and egress allowlist'
  static override examples = [
    '<%= config.bin %> init',
    '<%= config.bin %> init --yes',
    '<%= config.bin %> init --yes --force --file /etc/llmsec/llmsec.yaml',
    '<%= config.bin %> init --root /mnt/image --yes --file /mnt/image/etc/llmsec.yaml',
  ]
  static override flags = {
    yes: Flags.boolean({
      char: 'y',
      description: 'Write the defaults (everything found, the baseline ruleset) without prompting.',
    }),
    force: Flags.boolean({description: 'Overwrite an existing file without asking.'}),
    file: Flags.string({description: 'File to write.', default: 'llmsec.yaml'}),
    root: Flags.string({description: 'Discover model directories and runtimes in a mounted root filesystem.'}),
  }

  async run(): Promise<InitResult> {
    const file = resolve(this.flags.file)
    const interactive = !this.flags.yes
    if (interactive && (!process.stdin.isTTY || this.jsonEnabled()))
      throw usageError('llmsec init asks questions, but stdin is not a terminal (or --json is set); pass --yes.')
    let overwrite = this.flags.force
    if (!overwrite && (await pathExists(file))) {
      if (!interactive) throw outputExistsError(file)
      if (!(await confirmOverwrite(file))) {
        this.note(`kept ${file} unchanged`)
        return {file, written: false, config: {}}
      }
      overwrite = true
    }
    const found = await discoverSetup({root: this.flags.root})
    for (const note of found.notes) this.note(note)
    const answers: InitAnswers = interactive ? await askInitAnswers(found) : defaultAnswers(found)
    const config = buildConfig(answers)
    await writeConfig(file, config, overwrite)
    this.render(`wrote ${file}`)
    return {file, written: true, config}
  }
}
