import {posix} from 'node:path'

import type {CheckOutcome} from './check.js'
import type {FileEdit, Fix, FixCommand} from './fix.types.js'
import type {Remediation} from './ruleset.types.js'

export type {FileEdit, Fix, FixCommand} from './fix.types.js'

/** A command shown with a fix (never run by llmsec). */
export const live = (command: string): FixCommand => ({command, live: true})

/** An outcome with the fix a check computed from what it saw (only failures carry one). */
export function withFix(out: CheckOutcome, fix: Partial<Fix>): CheckOutcome {
  return out.status === 'fail' ? {...out, fix: {edits: [], commands: [], steps: [], ...fix}} : out
}

/**
 * A drop-in for a systemd unit, in /etc/systemd/system/<unit>.d/ whatever directory the unit is in
 * (systemd.unit(5): drop-ins there override the vendor's unit and survive package upgrades). Each
 * topic has its own file, so two fixes of one unit never overwrite each other.
 */
export function unitDropIn(unitPath: string, topic: string, lines: string[], section = 'Service'): FileEdit {
  const path = `/etc/systemd/system/${posix.basename(unitPath)}.d/llmsec-${topic}.conf`
  return {op: 'write', path, content: `[${section}]\n${lines.join('\n')}\n`}
}

/** `systemctl daemon-reload` and a restart of the unit a drop-in changed. */
export function restartUnit(unitPath: string): FixCommand[] {
  return [live('systemctl daemon-reload'), live(`systemctl restart ${posix.basename(unitPath)}`)]
}

/** A systemd unit name from a path, or a location that is a unit path. */
export const isUnitPath = (location: string) => /\.(service|socket|timer)$/.test(location) && location.startsWith('/')

/** An `apt-get install` command for Debian packages (the root's package manager is dpkg when this is shown). */
export const aptInstall = (...packages: string[]) => live(`apt-get install -y ${packages.join(' ')}`)

/** One file edit as the lines every format shows it in. */
export function describeEdit(edit: FileEdit): string[] {
  switch (edit.op) {
    case 'set':
      return [
        `in ${edit.path} set: ${edit.syntax === 'equals' ? `${edit.key}=${edit.value}` : `${edit.key} ${edit.value}`}`,
      ]
    case 'write':
      return [
        `write ${edit.path}${edit.mode ? ` (mode ${edit.mode})` : ''}:`,
        ...edit.content
          .trimEnd()
          .split('\n')
          .map((l) => `    ${l}`),
      ]
    case 'append':
      return [`append to ${edit.path}: ${edit.line}`]
    case 'chmod':
      return [`chmod ${edit.recursive ? '-R ' : ''}${edit.mode} ${edit.path}`]
    case 'chown':
      return [`chown ${edit.recursive ? '-R ' : ''}${edit.owner}${edit.group ? `:${edit.group}` : ''} ${edit.path}`]
  }
}

/** The remediation text every format shows: the rule's text, then the fix's steps, edits and commands. */
export function renderRemediation(remediation: Remediation, fix: Fix | undefined): string {
  const lines = [remediation.text.trim()]
  const commands = fix ? fix.commands.map((c) => c.command) : (remediation.commands ?? [])
  if (fix) for (const step of fix.steps) lines.push(`  - ${step}`)
  if (fix) for (const edit of fix.edits) for (const line of describeEdit(edit)) lines.push(`  ${line}`)
  for (const command of commands) lines.push(`  $ ${command}`)
  return lines.join('\n')
}

const HOST_ONLY_PATHS = ['/etc/systemd/', '/etc/sysctl.d/', '/etc/sysctl.conf', '/etc/modprobe.d/']
const HOST_ONLY_COMMANDS = /^(systemctl|sysctl|modprobe|augenrules|auditctl)\b/

function dedupe<T>(items: T[]): T[] {
  const seen = new Set<string>()
  return items.filter((item) => {
    const key = JSON.stringify(item)
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/**
 * The fix of a failing rule: the ruleset's static edits and commands and the check's own fix,
 * without repeats. In a container, or where systemd is not PID 1 (`hostOnly` says why), systemd,
 * sysctl and kernel-module edits and commands do nothing: they are replaced by one step saying
 * to apply them on the host or in the image build.
 */
export function ruleFix(remediation: Remediation, out: CheckOutcome, hostOnly: string | null): Fix | undefined {
  if (out.status !== 'fail') return undefined
  const fix: Fix = {
    edits: dedupe([...(remediation.edits ?? []), ...(out.fix?.edits ?? [])]),
    commands: dedupe([...(remediation.commands ?? []).map(live), ...(out.fix?.commands ?? [])]),
    steps: [...(out.fix?.steps ?? [])],
  }
  if (hostOnly) {
    const moved = fix.edits.filter((e) => HOST_ONLY_PATHS.some((p) => e.path.startsWith(p)))
    const movedCommands = fix.commands.filter((c) => HOST_ONLY_COMMANDS.test(c.command))
    if (moved.length || movedCommands.length) {
      fix.edits = fix.edits.filter((e) => !moved.includes(e))
      fix.commands = fix.commands.filter((c) => !movedCommands.includes(c))
      const what = [...moved.map((e) => e.path), ...movedCommands.map((c) => c.command)].join(', ')
      fix.steps.push(`${hostOnly}: apply this on the host or in the image build, not here (${what})`)
    }
  }
  return fix.edits.length || fix.commands.length || fix.steps.length ? fix : undefined
}
