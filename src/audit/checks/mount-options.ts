import {defineCheck, guardUnreadable, outcome, type CheckOutcome} from '../check.js'
import {mountPoint, RootReader, type MountPoint} from '../facts/index.js'
import {live as liveCommand, withFix, type Fix} from '../fixes.js'

interface Params {
  path: string
  /** Options the mount must have (nodev, nosuid, noexec); none: the path must only be a mount of its own. */
  options?: string[]
  /** Not applicable when the path is no mount of its own (CIS asks for the options only on a separate /var/tmp). */
  ifSeparate?: boolean
}

/**
 * Scratch directories a tmpfs may hold. One fstab line per path, the same for every option's rule,
 * so the fixes of the nodev, nosuid and noexec rules append it once (the append edit skips a line
 * the file already has).
 */
const TMPFS_LINES: Record<string, string> = {
  '/tmp': 'tmpfs /tmp tmpfs rw,nosuid,nodev,noexec,relatime,mode=1777 0 0',
  '/dev/shm': 'tmpfs /dev/shm tmpfs rw,nosuid,nodev,noexec,relatime,mode=1777 0 0',
}

function mountFix(path: string, mount: MountPoint | null, missing: string[]): Partial<Fix> {
  const tmpfs = TMPFS_LINES[path]
  if (tmpfs && (!mount || mount.source !== '/etc/fstab'))
    return {
      edits: [{op: 'append', path: '/etc/fstab', line: tmpfs}],
      commands: [liveCommand(mount ? `mount -o remount ${path}` : `mount ${path}`)],
    }
  if (!mount)
    return {
      steps: [
        `create a filesystem of its own for ${path} (a partition or logical volume) and mount it from /etc/fstab with nodev,nosuid,noexec`,
      ],
    }
  return {
    steps: [
      `add ${missing.join(',')} to the options of the ${path} line in ${mount.source} (now ${mount.options.join(',')})`,
    ],
    commands: [liveCommand(`mount -o remount,${missing.join(',')} ${path}`)],
  }
}

function judge(params: Params, mount: MountPoint | null): CheckOutcome {
  const {path} = params
  if (!mount) {
    if (params.ifSeparate) return outcome.notApplicable(`${path} is not a mount of its own`)
    return withFix(
      outcome.fail([`${path} is not a mount of its own (it lives on its parent's filesystem)`]),
      mountFix(path, null, params.options ?? []),
    )
  }
  const seen = `${path}: ${mount.options.join(',')} (${mount.source})`
  const missing = (params.options ?? []).filter((o) => !mount.options.includes(o))
  if (!missing.length) return outcome.pass([seen], mount.source)
  return withFix(
    outcome.fail([`${path} is mounted without ${missing.join(', ')}`, seen], mount.source),
    mountFix(path, mount, missing),
  )
}

export const check = defineCheck<Params>()({
  id: 'mount-options',
  title: 'A directory is a mount of its own with the given options',
  limits:
    'The options of that one mount, as mounted (running host) or configured (--root); other writable or executable places, such as bind mounts or home directories, are not judged.',
  description:
    'Reads /proc/self/mountinfo on the running host; under --root /etc/fstab, then an enabled mount unit, then systemd’s built-in /dev/shm mount.',
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['path'],
    properties: {
      path: {type: 'string', pattern: '^/[a-z0-9/_-]*[a-z0-9_]$'},
      options: {
        type: 'array',
        nullable: true,
        minItems: 1,
        items: {type: 'string', enum: ['nodev', 'nosuid', 'noexec']},
      },
      ifSeparate: {type: 'boolean', nullable: true},
    },
  },
  async run({root, live, params}) {
    const reader = new RootReader(live ? '/' : root)
    const mount = await mountPoint(reader, params.path, live)
    return guardUnreadable(judge(params, mount), reader.unreadable)
  },
})
