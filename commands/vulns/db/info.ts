import {Flags} from '@oclif/core'

import {LlmsecCommand} from '../../../src/cli/base-command.js'
import {renderDbInfo} from '../../../src/cli/render/vulns.js'
import {loadAdvisoryDb, type DbInfo} from '../../../src/vulns/index.js'

export default class VulnsDbInfo extends LlmsecCommand<typeof VulnsDbInfo> {
  static override description =
    'Say which advisory data llmsec vulns would load (the bundled AI-stack file and any --db exports), how many records each holds and how old it is; data older than 30 days is a warning.'
  static override examples = [
    '<%= config.bin %> vulns db info',
    '<%= config.bin %> vulns db info --db ~/osv/PyPI-all.zip --json',
  ]
  static override flags = {
    db: Flags.string({
      description: 'An OSV export to include: a directory of OSV JSON files or an all.zip (repeatable).',
      multiple: true,
    }),
  }

  async run(): Promise<DbInfo> {
    const {flags} = await this.parse(VulnsDbInfo)
    // Nothing is kept (an empty wanted set): records are counted and dated, so memory stays bounded.
    const db = await loadAdvisoryDb({paths: flags.db, wanted: new Set()})
    this.render(renderDbInfo(db.info, this.style))
    return db.info
  }
}
