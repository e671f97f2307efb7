import {Flags} from '@oclif/core'

import {LlmsecCommand} from '../src/cli/base-command.js'
import {LlmsecError} from '../src/core/errors.js'

export default class Inventory extends LlmsecCommand<typeof Inventory> {
  static override description = 'List GPUs, host facts, inference runtimes and model files on this host'
  static override examples = ['<%= config.bin %> inventory', '<%= config.bin %> inventory --models /srv/models --json']
  static override flags = {
    models: Flags.string({description: 'Extra directory to search for model files.', multiple: true}),
  }

  async run(): Promise<{ok: boolean}> {
    const {config} = await this.config_()
    if (this.flags.models?.includes('boom')) throw new LlmsecError('boom is not a directory.', 'INPUT_NOT_FOUND')
    this.render(`config ${JSON.stringify(config)}`)
    return {ok: true}
  }
}
