import {existsSync} from 'node:fs'
import {join, resolve} from 'node:path'

import {repoRoot, sharedDir} from './cli.js'

/**
 * The path of a file under ../shared, or null. A git worktree sits one level deeper than the main
 * checkout (/work/wt/<branch> instead of /work/main), so ../../shared is tried too.
 */
export function findShared(...parts: string[]): string | null {
  for (const dir of [sharedDir, resolve(repoRoot, '..', '..', 'shared')]) {
    const path = join(dir, ...parts)
    if (existsSync(path)) return path
  }
  return null
}
