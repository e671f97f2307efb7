import type {FactCache} from './facts/index.js'
import {readTextIn, statIn} from './facts/index.js'

/** Marker files container engines create at the root of a container (Docker, Podman). */
const CONTAINER_MARKERS = ['/.dockerenv', '/run/.containerenv']

/** Whether the audited system is a container: a marker file, or (live) PID 1 in a container cgroup. */
async function inContainer(facts: FactCache): Promise<boolean> {
  for (const marker of CONTAINER_MARKERS) if ((await statIn(facts.env.root, marker)).state === 'present') return true
  if (!facts.env.live) return false
  const cgroup = await readTextIn('/', '/proc/1/cgroup')
  return cgroup.state === 'present' && /\/(docker|libpod|kubepods|lxc)\b/.test(cgroup.value)
}

/**
 * Why systemd, sysctl and kernel-module fixes do nothing on the audited system, or null: inside a
 * container the kernel and init are the host's; on a running host without systemd as PID 1
 * systemctl cannot apply a unit change.
 */
export async function hostOnlyReason(facts: FactCache): Promise<string | null> {
  if (await inContainer(facts)) return 'this is a container'
  if (!facts.env.live) return null
  const systemd = await facts.get('systemd')
  return systemd.running ? null : 'systemd is not PID 1 here'
}
