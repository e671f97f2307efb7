import {Flags} from '@oclif/core'

import {LlmsecCommand} from '../src/cli/base-command.js'
import {renderConfigSource, searchConfigPlaces, type SearchedPlace} from '../src/cli/config-source.js'
import type {LoadedConfig} from '../src/core/config.js'

export interface ConfigResult extends LoadedConfig {
  searched: SearchedPlace[]
}

export default class Config extends LlmsecCommand<typeof Config> {
  static override summary = 'Print the configuration llmsec uses here, and the file it came from'
  static override description = `Configuration is read from --config <file>, else the first file found of:
  ./llmsec.yaml
  $XDG_CONFIG_HOME/llmsec/config.yaml (~/.config/llmsec/config.yaml when XDG_CONFIG_HOME is unset or not absolute)
  /etc/llmsec/config.yaml ($LLMSEC_SYSCONFDIR/llmsec/config.yaml when that is set)
Files are not merged: the first one found is the whole configuration, and keys it leaves out take built-in defaults.`
  static override examples = [
    '<%= config.bin %> config',
    '<%= config.bin %> config --path',
    '<%= config.bin %> config --json',
    '<%= config.bin %> config --config ./ci/llmsec.yaml',
  ]
  static override flags = {
    path: Flags.boolean({description: 'Print only the path of the file in use (nothing when there is none).'}),
  }

  async run(): Promise<ConfigResult> {
    const loaded = await this.config_()
    const searched = await searchConfigPlaces()
    if (this.flags.path) {
      if (loaded.file) this.render(loaded.file)
      else this.note('no configuration file: built-in defaults')
    } else {
      this.render(renderConfigSource(loaded, searched))
    }
    return {...loaded, searched}
  }
}
