import {defineCheck, guardUnreadable, outcome} from '../check.js'
import {configLines, readTextIn, RootReader} from '../facts/index.js'
import {live as liveCommand, withFix, type Fix} from '../fixes.js'

interface Params {
  modules: string[]
  /** Packages that need the modules (snapd mounts squashfs images): with one installed, the rule does not apply. */
  unlessInstalled?: string[]
}

/** Modules that modprobe.d blacklists or replaces with /bin/false or /bin/true. */
async function disabledModules(reader: RootReader): Promise<Map<string, string>> {
  const disabled = new Map<string, string>()
  for (const dir of ['/lib/modprobe.d', '/usr/lib/modprobe.d', '/etc/modprobe.d']) {
    for (const file of await reader.dropIns(dir)) {
      for (const line of configLines(file.text)) {
        const match = /^(blacklist|install)\s+(\S+)\s*(.*)$/.exec(line)
        if (!match) continue
        const name = match[2].replaceAll('-', '_')
        if (match[1] === 'blacklist' || /\/(false|true)\b/.test(match[3])) disabled.set(name, `${file.path}: ${line}`)
      }
    }
  }
  return disabled
}

/**
 * The fix for modules that are not disabled or are loaded: a drop-in per module with `install … /bin/false`
 * (modprobe.d(5): modprobe runs that command instead of loading it, also on explicit request;
 * `blacklist` alone only stops aliases) and `modprobe -r` for loaded ones.
 */
function modulesFix(notDisabled: string[], loaded: string[]): Partial<Fix> {
  return {
    edits: notDisabled.map((m) => ({
      op: 'write' as const,
      path: `/etc/modprobe.d/llmsec-${m}.conf`,
      content: `install ${m} /bin/false\nblacklist ${m}\n`,
    })),
    commands: loaded.map((m) => liveCommand(`modprobe -r ${m}`)),
  }
}

export const check = defineCheck<Params>()({
  id: 'kernel-module-disabled',
  title: 'Kernel modules are disabled',
  limits:
    'That modprobe refuses the module and it is not loaded now; a module built into the kernel, or loaded by root with insmod, is not prevented.',
  description: 'Fails when a module is loaded (running host) or not disabled in modprobe.d.',
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['modules'],
    properties: {
      modules: {type: 'array', minItems: 1, items: {type: 'string', pattern: '^[A-Za-z0-9_-]+$'}},
      unlessInstalled: {type: 'array', nullable: true, items: {type: 'string', pattern: '^[a-z0-9][a-z0-9+.-]*$'}},
    },
  },
  async run({root, live, facts, params}) {
    const reader = new RootReader(root)
    if (params.unlessInstalled?.length) {
      const {packages, unreadable} = await facts.get('packages')
      reader.note(...unreadable)
      const user = params.unlessInstalled.find((name) => packages.has(name))
      if (user && !unreadable.length)
        return outcome.notApplicable(`${user} is installed and needs ${params.modules.join(', ')}`)
    }
    const disabled = await disabledModules(reader)
    // /proc is the running kernel's, whatever the root.
    const procModules = live ? (reader.keep(await readTextIn('/', '/proc/modules')) ?? '') : ''
    const loaded = new Set(procModules.split('\n').map((l) => l.split(' ')[0]))
    const bad: string[] = []
    const ok: string[] = []
    const modules = params.modules.map((m) => m.replaceAll('-', '_'))
    for (const module of modules) {
      if (loaded.has(module)) bad.push(`${module} is loaded in the running kernel`)
      else if (disabled.has(module)) ok.push(`${module} disabled (${disabled.get(module)})`)
      else bad.push(`${module} is not disabled in modprobe.d`)
    }
    const fix = modulesFix(
      modules.filter((m) => !disabled.has(m)),
      modules.filter((m) => loaded.has(m)),
    )
    return guardUnreadable(
      bad.length ? withFix(outcome.fail([...bad, ...ok]), fix) : outcome.pass(ok),
      reader.unreadable,
    )
  },
})
