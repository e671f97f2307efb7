import {posix} from 'node:path'

import {globToRegExp} from '../../core/glob.js'
import {excessBits, parseMode} from '../check-helpers.js'
import {withFix, type FileEdit} from '../fixes.js'
import {defineCheck, guardUnreadable, outcome} from '../check.js'
import {expandHome, formatMode, RootReader} from '../facts/index.js'

interface Params {
  paths: string[]
  maxMode: string
  owner?: 'root'
}

/** A path whose last component is a glob (`/etc/ssh/ssh_host_*_key`) stands for the entries it matches, sorted. */
async function expandGlob(reader: RootReader, path: string): Promise<string[]> {
  const name = posix.basename(path)
  if (!/[*?[]/.test(name)) return [path]
  const dir = posix.dirname(path)
  const glob = globToRegExp(name)
  return (await reader.list(dir)).filter((n) => glob.test(n)).map((n) => posix.join(dir, n))
}

export const check = defineCheck<Params>()({
  id: 'file-permissions',
  title: 'Files are not more permissive than a mode',
  limits:
    'Mode and owner of the named paths only; ACLs, parent directories and copies of the same data elsewhere are not judged.',
  description:
    'Fails when an existing path has permission bits beyond maxMode (or the wrong owner). `~/` means every home; a glob in the last component (`ssh_host_*_key`) every entry it matches.',
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['paths', 'maxMode'],
    properties: {
      paths: {type: 'array', minItems: 1, items: {type: 'string', pattern: '^(/|~/)'}},
      maxMode: {type: 'string', pattern: '^0?[0-7]{3,4}$'},
      owner: {type: 'string', enum: ['root'], nullable: true},
    },
  },
  async run({root, params, facts}) {
    const reader = new RootReader(root)
    const {homes, unreadable} = await facts.get('users')
    reader.note(...unreadable)
    const max = parseMode(params.maxMode)
    const bad: string[] = []
    const ok: string[] = []
    const edits: FileEdit[] = []
    const paths: string[] = []
    for (const pattern of params.paths.flatMap((p) => expandHome(p, homes)))
      for (const path of await expandGlob(reader, pattern)) if (!paths.includes(path)) paths.push(path)
    for (const path of paths) {
      const info = await reader.stat(path)
      if (!info) continue
      const extra = excessBits(info.mode, max)
      const wrongOwner = params.owner === 'root' && info.uid !== 0
      const seen = `${path} mode ${formatMode(info.mode)} uid ${info.uid}`
      if (extra || wrongOwner)
        bad.push(`${seen} (allowed at most ${formatMode(max)}${params.owner ? ', owner root' : ''})`)
      else ok.push(seen)
      // The excess bits removed, the stricter ones kept.
      if (extra) edits.push({op: 'chmod', path, mode: formatMode(info.mode & 0o7777 & max)})
      if (wrongOwner) edits.push({op: 'chown', path, owner: 'root'})
    }
    const verdict = bad.length
      ? withFix(outcome.fail(bad, bad[0].split(' ')[0]), {edits})
      : ok.length
        ? outcome.pass(ok)
        : outcome.notApplicable(`none of ${params.paths.join(', ')} exists`)
    return guardUnreadable(verdict, reader.unreadable, true)
  },
})
