import {readFile} from 'node:fs/promises'

import {defineCheck, outcome} from '../check.js'
import {configLines, readDropIns, readTextIn} from '../facts/index.js'

interface Params {
  key: string
  values: string[]
}

/** The value a sysctl key gets at boot from sysctl.conf and sysctl.d (later files win). */
export async function configuredSysctl(root: string, key: string): Promise<{value: string; file: string} | null> {
  const files: {path: string; text: string}[] = []
  for (const dir of ['/usr/lib/sysctl.d', '/run/sysctl.d', '/etc/sysctl.d'])
    files.push(...(await readDropIns(root, dir)))
  files.sort((a, b) => a.path.split('/').pop()!.localeCompare(b.path.split('/').pop()!))
  const main = await readTextIn(root, '/etc/sysctl.conf')
  if (main !== null) files.push({path: '/etc/sysctl.conf', text: main})
  const wanted = key.replaceAll('/', '.')
  let found: {value: string; file: string} | null = null
  for (const file of files) {
    for (const line of configLines(file.text)) {
      const match = /^-?\s*([\w./-]+)\s*=\s*(.*)$/.exec(line)
      if (match && match[1].replaceAll('/', '.') === wanted) found = {value: match[2].trim(), file: file.path}
    }
  }
  return found
}

export const check = defineCheck<Params>({
  id: 'sysctl-value',
  title: 'A kernel parameter has an allowed value',
  description: 'Reads /proc/sys on the running host, or sysctl.conf and sysctl.d under --root.',
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['key', 'values'],
    properties: {
      key: {type: 'string', pattern: '^[a-z0-9_]+([./][a-z0-9_*-]+)+$'},
      values: {type: 'array', minItems: 1, items: {type: 'string'}},
    },
  },
  async run({root, live, params}) {
    const norm = (v: string) => v.trim().split(/\s+/).join(' ')
    if (live) {
      const path = `/proc/sys/${params.key.replaceAll('.', '/')}`
      const value = await readFile(path, 'utf8').catch(() => null)
      if (value === null) return outcome.skip(`${params.key} does not exist in this kernel`)
      const seen = `${params.key} = ${norm(value)} (running kernel)`
      return params.values.includes(norm(value))
        ? outcome.pass([seen])
        : outcome.fail([`${seen}; expected ${params.values.join(' or ')}`])
    }
    const found = await configuredSysctl(root, params.key)
    if (!found)
      return outcome.fail([
        `${params.key} is not set in sysctl.conf or sysctl.d; expected ${params.values.join(' or ')}`,
      ])
    const seen = `${params.key} = ${found.value} (${found.file})`
    return params.values.includes(norm(found.value))
      ? outcome.pass([seen], found.file)
      : outcome.fail([`${seen}; expected ${params.values.join(' or ')}`], found.file)
  },
})
