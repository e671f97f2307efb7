import {excessBits, parseMode} from '../check-helpers.js'
import {defineCheck, guardUnreadable, outcome} from '../check.js'
import {formatMode, RootReader} from '../facts/index.js'

interface Params {
  prefix: string
  maxMode: string
}

export const check = defineCheck<Params>()({
  id: 'device-permissions',
  title: 'Device nodes are not world-accessible',
  description: 'Checks /dev nodes whose name starts with a prefix (e.g. nvidia): who can read GPU memory.',
  live: true,
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['prefix', 'maxMode'],
    properties: {
      prefix: {type: 'string', pattern: '^[a-z0-9-]+$'},
      maxMode: {type: 'string', pattern: '^0?[0-7]{3,4}$'},
    },
  },
  async run({params}) {
    const max = parseMode(params.maxMode)
    const reader = new RootReader('/')
    const names = (await reader.list('/dev')).filter((n) => n.startsWith(params.prefix))
    if (!names.length)
      return guardUnreadable(
        outcome.notApplicable(`no /dev/${params.prefix}* device nodes on this host`),
        reader.unreadable,
      )
    const bad: string[] = []
    const ok: string[] = []
    for (const name of names) {
      const info = await reader.stat(`/dev/${name}`)
      if (!info) continue
      const seen = `/dev/${name} mode ${formatMode(info.mode)} gid ${info.gid}`
      if (excessBits(info.mode, max)) bad.push(`${seen} (allowed at most ${formatMode(max)})`)
      else ok.push(seen)
    }
    const verdict = bad.length ? outcome.fail(bad, bad[0].split(' ')[0]) : outcome.pass(ok)
    return guardUnreadable(verdict, reader.unreadable, true)
  },
})
