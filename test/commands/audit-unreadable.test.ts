import {chmod} from 'node:fs/promises'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {AuditResult, RuleResult} from '../../src/audit/index.js'
import {rulesOf} from '../helpers/audit-results.js'
import {buildHardenedRoot} from '../helpers/audit-roots.js'
import {runCliJson} from '../helpers/cli.js'
import {skipReason} from '../helpers/env.js'
import {removeRoot} from '../helpers/rootfs.js'
import {openToOthers, runCliJsonAsNobody, whyNoUnprivilegedRun} from '../helpers/unprivileged.js'

/** Paths of the hardened root made unreadable for others, and the rule each one decides. */
const LOCKED: [string, number, string][] = [
  ['/etc/ssh/sshd_config', 0o600, 'ssh-no-root-login'],
  ['/srv/models', 0o700, 'no-pickle-models'],
  ['/etc/audit/rules.d', 0o700, 'auditd-active'],
  ['/var/lib/dpkg/status', 0o600, 'no-telnet-server'],
  ['/etc/login.defs', 0o600, 'default-umask-restrictive'],
  ['/var/lib/aide', 0o700, 'file-integrity-monitoring'],
  ['/etc/sysctl.d', 0o700, 'sysctl-kptr-restrict'],
  ['/etc/modprobe.d/llmsec.conf', 0o600, 'usb-storage-disabled'],
  ['/etc/systemd/journald.conf', 0o600, 'journald-persistent'],
  ['/etc/ollama/env', 0o600, 'inference-bind-loopback'],
]

const why = await whyNoUnprivilegedRun()
const baseline = (json: AuditResult): Map<string, RuleResult> => rulesOf(json, 'baseline')

describe.skipIf(skipReason(why !== null, `audit as an unprivileged user: ${why}`))(
  'llmsec audit --root by a user who cannot read everything',
  () => {
    let root: string
    beforeAll(async () => {
      root = await buildHardenedRoot()
      await openToOthers(root)
      for (const [path, mode] of LOCKED) await chmod(join(root, path), mode)
    })
    afterAll(() => removeRoot(root))

    it('reports each unreadable input as an error naming the path with the hint to run as root', async () => {
      const run = await runCliJsonAsNobody<AuditResult>(['audit', '--root', root, '--ruleset', 'baseline'])
      const results = baseline(run.json)
      for (const [path, , ruleId] of LOCKED) {
        const result = results.get(ruleId)
        expect(result?.status, `${ruleId}: ${JSON.stringify(result)}`).toBe('error')
        expect(result?.reason, ruleId).toContain(`cannot read ${path}`)
        expect(result?.reason, ruleId).toMatch(/permission denied \(EACCES\).*run llmsec as root/)
        expect(result?.evidence.join('\n'), ruleId).not.toMatch(/does not exist|not installed|not set|is absent/)
      }
    })

    it('gives the same rules their verdict when run as root (who can read them)', async () => {
      const results = baseline((await runCliJson<AuditResult>(['audit', '--root', root, '--ruleset', 'baseline'])).json)
      for (const [, , ruleId] of LOCKED) expect(results.get(ruleId)?.status, ruleId).toBe('pass')
    })
  },
)
