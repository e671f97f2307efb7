import {defineCheck, guardUnreadable, outcome} from '../check.js'
import {configLines, readTextIn, RootReader} from '../facts/index.js'
import {live as liveCommand, withFix, type Fix} from '../fixes.js'

interface Params {
  modules: string[]
  /** Packages that need the modules (snapd mounts squashfs images): with one installed, the rule does not apply. */
  unlessInstalled?: string[]
}

/** An install command that loads nothing: exactly false or true (modprobe runs it with sh -c). */
const NO_OP_INSTALL = /^(?:(?:\/usr)?\/bin\/)?(?:false|true)$/

/** Where modprobe.d(5) reads, lowest precedence first (a later directory's file replaces the same name). */
const MODPROBE_DIRS = [
  '/lib/modprobe.d',
  '/usr/lib/modprobe.d',
  '/usr/local/lib/modprobe.d',
  '/run/modprobe.d',
  '/etc/modprobe.d',
]

/**
 * Modules modprobe.d replaces with a command that loads nothing, with the line that does it. Only
 * `install NAME /bin/false` (or true) counts: `blacklist` stops alias loading only (an explicit
 * `modprobe NAME` or a dependency still loads it), and an install command that runs anything else
 * (`/sbin/modprobe --ignore-install NAME; /bin/true`) may load it. A module with two install lines
 * counts only if both are no-ops.
 */
async function disabledModules(reader: RootReader): Promise<Map<string, string>> {
  const disabled = new Map<string, string>()
  const loadable = new Set<string>()
  for (const file of await reader.layeredDropIns(MODPROBE_DIRS)) {
    for (const line of configLines(file.text)) {
      const match = /^install\s+(\S+)\s*(.*)$/.exec(line)
      if (!match) continue
      const name = match[1].replaceAll('-', '_')
      if (NO_OP_INSTALL.test(match[2].trim())) disabled.set(name, `${file.path}: ${line}`)
      else loadable.add(name)
    }
  }
  for (const name of loadable) disabled.delete(name)
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
      else
        bad.push(
          `${module} is not disabled in modprobe.d (only \`install ${module} /bin/false\` stops an explicit load)`,
        )
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
