/**
 * Applies the fixes `llmsec audit --root ROOT --json` printed, in the order of its rules, to ROOT:
 * every file edit exactly as docs/json/audit.md describes it (test/helpers/apply-fix.ts), and the
 * commands that act on the root's own files run inside it with chroot: apt-get install, remove, purge,
 * update and upgrade, systemctl enable/disable/mask, and AIDE's database initialisation (aide --init
 * and the move of the new database into place). Commands that need the running system (sysctl, modprobe,
 * augenrules --load, mount, restarts) would act on this machine's kernel instead: they are skipped
 * and counted. Used by bench/coverage.sh; prints one JSON line of counts.
 * Usage: npx tsx bench/coverage-apply.ts AUDIT_JSON ROOT
 */
import {readFile} from 'node:fs/promises'

import type {FileEdit, Fix} from '../src/audit/fix.types.js'
import {runTool} from '../src/core/exec.js'
import {applyEdits} from '../test/helpers/apply-fix.js'

interface AuditJson {
  rules: {ruleId: string; status: string; fix?: Fix}[]
}

const [auditPath, root] = process.argv.slice(2)
if (!auditPath || !root?.startsWith('/') || root === '/') {
  console.error('usage: npx tsx bench/coverage-apply.ts AUDIT_JSON ROOT (an absolute path other than /)')
  process.exit(2)
}

const APT_ENV = {DEBIAN_FRONTEND: 'noninteractive', LC_ALL: 'C'}
const APT_OPTIONS = ['-o', 'Dpkg::Options::=--force-confdef', '-o', 'Dpkg::Options::=--force-confold']

/** The argument vector to run inside the root, or null for a command that needs the running system. */
function chrootArgs(command: string): string[] | null {
  if (/[;&|<>`$()"'\\]/.test(command)) return null
  const words = command.trim().split(/\s+/)
  if (words[0] === 'apt-get' && ['install', 'purge', 'remove', 'update', 'upgrade'].includes(words[1]))
    return ['apt-get', ...APT_OPTIONS, ...words.slice(1)]
  // AIDE's database is built from the root's own files, so it is made inside the root as well.
  if (command === 'aide --init --config /etc/aide/aide.conf') return words
  if (command === 'mv /var/lib/aide/aide.db.new /var/lib/aide/aide.db') return words
  if (words[0] === 'systemctl' && ['enable', 'disable', 'mask'].includes(words[1]))
    return ['systemctl', words[1], ...words.slice(2).filter((w) => w !== '--now')]
  return null
}

const audit = JSON.parse(await readFile(auditPath, 'utf8')) as AuditJson
const counts = {rulesFixed: 0, edits: 0, commands: 0, skippedCommands: 0, failedCommands: 0, steps: 0}
const failures: string[] = []
for (const rule of audit.rules) {
  if (rule.status !== 'fail' || !rule.fix) continue
  counts.rulesFixed++
  const edits: FileEdit[] = rule.fix.edits
  await applyEdits(root, edits)
  counts.edits += edits.length
  counts.steps += rule.fix.steps.length
  for (const {command} of rule.fix.commands) {
    const args = chrootArgs(command)
    if (!args) {
      counts.skippedCommands++
      continue
    }
    const result = await runTool('chroot', [root, ...args], {timeoutMs: 600_000, env: APT_ENV})
    if (result.status === 'ok') counts.commands++
    else {
      counts.failedCommands++
      failures.push(`${rule.ruleId}: ${command}: ${result.reason ?? result.status}`)
    }
  }
}
console.log(JSON.stringify({...counts, failures: failures.slice(0, 20)}))
