import {append} from '../../core/arrays.js'
import {excessBits, parseMode} from '../check-helpers.js'
import {defineCheck, guardUnreadable, outcome} from '../check.js'
import {formatMode, RootReader} from '../facts/index.js'

interface Params {
  prefix: string
  maxMode: string
}

/**
 * The /dev entries with the prefix, and the entries of matching directories one level down
 * (/dev/nvidia-caps holds nvidia-cap1 …): the directory's own search bit is not what is judged.
 */
async function deviceNodes(reader: RootReader, prefix: string): Promise<string[]> {
  const out: string[] = []
  for (const name of (await reader.list('/dev')).filter((n) => n.startsWith(prefix))) {
    const path = `/dev/${name}`
    const info = await reader.lstat(path)
    if (info?.isDirectory())
      append(
        out,
        (await reader.list(path)).map((inner) => `${path}/${inner}`),
      )
    else if (info && !info.isSymbolicLink()) out.push(path)
  }
  return out
}

export const check = defineCheck<Params>()({
  id: 'device-permissions',
  title: 'Device nodes are not world-accessible',
  description:
    'Checks the /dev nodes (of the audited root) whose name starts with a prefix (e.g. nvidia): who can read GPU memory.',
  limits:
    'Nodes udev or the driver creates later with other modes (a --root image usually has an empty /dev); who is in the owning group.',
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['prefix', 'maxMode'],
    properties: {
      prefix: {type: 'string', pattern: '^[a-z0-9-]+$'},
      maxMode: {type: 'string', pattern: '^0?[0-7]{3,4}$'},
    },
  },
  async run({root, params}) {
    const max = parseMode(params.maxMode)
    const reader = new RootReader(root)
    const paths = await deviceNodes(reader, params.prefix)
    if (!paths.length)
      return guardUnreadable(outcome.notApplicable(`no /dev/${params.prefix}* device nodes`), reader.unreadable)
    const bad: string[] = []
    const ok: string[] = []
    for (const path of paths) {
      const info = await reader.lstat(path)
      if (!info || info.isSymbolicLink()) continue
      const seen = `${path} mode ${formatMode(info.mode)} gid ${info.gid}`
      if (excessBits(info.mode, max)) bad.push(`${seen} (allowed at most ${formatMode(max)})`)
      else ok.push(seen)
    }
    const verdict = bad.length ? outcome.fail(bad, bad[0].split(' ')[0]) : outcome.pass(ok)
    return guardUnreadable(verdict, reader.unreadable, true)
  },
})
