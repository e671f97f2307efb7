import {posix} from 'node:path'

import {mapLimited} from '../../core/arrays.js'
import {defineCheck, guardUnreadable, outcome} from '../check.js'
import {RootReader} from '../facts/index.js'
import {live as liveCommand, withFix, type Fix} from '../fixes.js'

type Arch = 'b64' | 'b32'

interface Params {
  /** The audit key (-k) of the fix's rules and the name of its rules file. */
  key: string
  /** Files and directories changes to which must be recorded (a watch on a parent directory counts). */
  paths?: string[]
  /** System calls that must be recorded on exit (for each arch). */
  syscalls?: string[]
  /** Access types the watches must record (auditctl -p): default `wa`. */
  permissions?: string
  arches?: Arch[]
  /** Directories whose set-uid and set-gid programs must each have an execution rule (privileged commands). */
  setuidIn?: string[]
}

const MAX_DIR_ENTRIES = 10_000
const LSTAT_AT_ONCE = 32

/**
 * Set-uid and set-gid regular files directly in the directories, statted LSTAT_AT_ONCE at a time
 * (each waits on the disk). A directory of more than MAX_DIR_ENTRIES entries is not judged past
 * them: it is recorded as unreadable (ETOOMANY), so the check cannot pass on a partial list.
 */
async function setuidPrograms(reader: RootReader, dirs: string[]): Promise<string[]> {
  const found: string[] = []
  for (const dir of dirs) {
    const names = await reader.list(dir)
    if (names.length > MAX_DIR_ENTRIES)
      reader.note({path: dir, code: 'ETOOMANY', reason: `more than ${MAX_DIR_ENTRIES} entries; not all were looked at`})
    const paths = names.slice(0, MAX_DIR_ENTRIES).map((name) => posix.join(dir, name))
    const infos = await mapLimited(paths, LSTAT_AT_ONCE, (path) => reader.lstat(path))
    for (const [i, info] of infos.entries()) if (info?.isFile() && (info.mode & 0o6000) !== 0) found.push(paths[i])
  }
  return found
}

interface ParsedRule {
  /** The watched path: `-w PATH` or `-F path=` / `-F dir=`. */
  path: string | null
  perms: string
  syscalls: Set<string>
  arch: string | null
  onExit: boolean
}

/** One auditctl(8) rule line: its watch, syscall list, arch filter and whether it is an exit rule. */
function parseRule(line: string): ParsedRule {
  const words = line.split(' ')
  const rule: ParsedRule = {path: null, perms: '', syscalls: new Set(), arch: null, onExit: false}
  for (let i = 0; i < words.length - 1; i++) {
    const [flag, value] = [words[i], words[i + 1]]
    if (flag === '-w') rule.path = value.replace(/(.)\/+$/, '$1')
    else if (flag === '-p') rule.perms = value
    else if (flag === '-S') for (const s of value.split(',')) rule.syscalls.add(s)
    else if ((flag === '-a' || flag === '-A') && value.split(',').includes('exit')) rule.onExit = true
    else if (flag === '-F') {
      const [field, v] = value.split('=', 2)
      if (field === 'arch') rule.arch = v
      else if ((field === 'path' || field === 'dir') && v) rule.path = v.replace(/(.)\/+$/, '$1')
      else if (field === 'perm') rule.perms = v
    }
  }
  if (line.startsWith('-w ') && !rule.perms) rule.perms = 'rwxa'
  return rule
}

const covers = (watch: string, path: string) => watch === '/' || path === watch || path.startsWith(`${watch}/`)

/** The rules file a fix writes: sorted before a `99-…` file that locks the configuration with -e 2. */
function eventsFix(params: Params, arches: Arch[], perms: string, programs: string[]): Partial<Fix> {
  const lines = (params.paths ?? []).map((p) => `-w ${p} -p ${perms} -k ${params.key}`)
  for (const program of programs)
    lines.push(`-a always,exit -F path=${program} -F perm=x -F auid>=1000 -F auid!=unset -k ${params.key}`)
  if (params.syscalls?.length)
    for (const arch of arches)
      lines.push(`-a always,exit -F arch=${arch} -S ${params.syscalls.join(',')} -k ${params.key}`)
  const path = `/etc/audit/rules.d/50-llmsec-${params.key}.rules`
  return {
    edits: [{op: 'write', path, content: `${lines.join('\n')}\n`, mode: '0640'}],
    commands: [liveCommand('augenrules --load')],
  }
}

export const check = defineCheck<Params>()({
  id: 'auditd-events',
  title: 'auditd records a class of events',
  limits:
    'That a rule records the event class; not, under --root, that the rule is loaded in the kernel, nor that the log is kept, forwarded or reviewed.',
  /**
   * auditctl(8): `-w PATH -p PERMS` (no -p: every access) and `-a always,exit -F path=|dir= -F perm=`
   * watch a path and what lies below it; `-a always,exit [-F arch=…] -S call,…` records system
   * calls (a rule without an arch filter counts for every arch). Extra filters (auid, success) are allowed.
   */
  description:
    'Every named path is watched for the given access types and every named system call is recorded on exit, in the loaded rules files.',
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['key'],
    properties: {
      key: {type: 'string', pattern: '^[A-Za-z0-9_-]{1,31}$'},
      paths: {type: 'array', nullable: true, minItems: 1, items: {type: 'string', pattern: '^/\\S*$'}},
      syscalls: {type: 'array', nullable: true, minItems: 1, items: {type: 'string', pattern: '^[a-z0-9_]+$'}},
      permissions: {type: 'string', nullable: true, pattern: '^[rwxa]{1,4}$'},
      arches: {type: 'array', nullable: true, minItems: 1, items: {type: 'string', enum: ['b64', 'b32']}},
      setuidIn: {type: 'array', nullable: true, minItems: 1, items: {type: 'string', pattern: '^/\\S*$'}},
    },
  },
  // Listing the set-uid programs stats every entry of /usr/bin and /usr/sbin.
  early: true,
  async run({root, facts, params}) {
    const auditd = await facts.get('auditd')
    const reader = new RootReader(root)
    reader.note(...auditd.unreadable)
    const programs = params.setuidIn ? await setuidPrograms(reader, params.setuidIn) : []
    const rules = auditd.rules.map(parseRule)
    const perms = params.permissions ?? 'wa'
    const arches = params.arches ?? ['b64', 'b32']
    const missing: string[] = []
    for (const path of params.paths ?? []) {
      const ok = rules.some(
        (r) => r.path !== null && covers(r.path, path) && [...perms].every((p) => r.perms.includes(p)),
      )
      if (!ok) missing.push(`no watch records ${perms} on ${path}`)
    }
    for (const arch of arches)
      for (const call of params.syscalls ?? [])
        if (!rules.some((r) => r.onExit && r.syscalls.has(call) && (r.arch === null || r.arch === arch)))
          missing.push(`${call} (${arch}) is not recorded`)
    for (const program of programs)
      if (!rules.some((r) => r.path !== null && covers(r.path, program) && r.perms.includes('x')))
        missing.push(`running the privileged program ${program} is not recorded`)
    const where = `${auditd.ruleCount} rules in ${auditd.rulesFiles.join(', ') || 'no rules file'}`
    const verdict = missing.length
      ? withFix(outcome.fail([...missing, where], auditd.rulesFiles[0]), eventsFix(params, arches, perms, programs))
      : outcome.pass([`${params.key}: every path and system call is recorded (${where})`], auditd.rulesFiles[0])
    return guardUnreadable(verdict, reader.unreadable)
  },
})
