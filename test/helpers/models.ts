import {existsSync} from 'node:fs'
import {join} from 'node:path'

import {sharedDir} from './cli.js'

/**
 * The real tiny model in ../shared (absent on some machines: tests skip and say why).
 * LLMSEC_SHARED_DIR points elsewhere, for a git worktree whose parent has no shared/.
 */
export const storiesModel = join(process.env.LLMSEC_SHARED_DIR ?? sharedDir, 'models', 'stories260K.gguf')
export const hasStoriesModel = existsSync(storiesModel)
