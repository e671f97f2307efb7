import {chmod, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {AuditResult, RuleResult} from '../../src/audit/index.js'
import {rulesOf} from '../helpers/audit-results.js'
import {buildHardenedRoot} from '../helpers/audit-roots.js'
import {runCliJson} from '../helpers/cli.js'
import {skipReason} from '../helpers/env.js'
import {removeRoot, safetensorsBytes} from '../helpers/rootfs.js'
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

/** The model rules of baseline; models-scan-clean is critical. */
const MODEL_RULES = ['models-scan-clean', 'no-pickle-models']
const modelAudit = (root: string) => [
  'audit',
  '--root',
  root,
  '--ruleset',
  'baseline',
  ...MODEL_RULES.flatMap((r) => ['--rule', r]),
]

/**
 * A model file that cannot be read is an `error` (critical: it sits in a model
 * directory, and the model scan rule is critical), never a skip with exit 0. The directories are
 * open to others here; only the weights file is not, and a readable sibling must not make it pass.
 */
describe.skipIf(skipReason(why !== null, `audit as an unprivileged user: ${why}`))(
  'llmsec audit --root with a model file its user cannot read',
  () => {
    let root: string
    beforeAll(async () => {
      root = await buildHardenedRoot()
      await openToOthers(root)
      for (const dir of ['/srv', '/srv/models', '/srv/models/llama']) await chmod(join(root, dir), 0o755)
      await chmod(join(root, '/srv/models/llama/model.safetensors'), 0o600)
    })
    afterAll(() => removeRoot(root))

    it('is an error of the critical model-scan rule and exits 4 (incomplete), alone or beside a readable model', async () => {
      for (const sibling of [false, true]) {
        if (sibling)
          await writeFile(join(root, '/srv/models/llama/extra.safetensors'), safetensorsBytes(), {mode: 0o644})
        const run = await runCliJsonAsNobody<AuditResult>(modelAudit(root))
        const results = baseline(run.json)
        expect(run.exitCode, `sibling ${sibling}: ${run.stderr}`).toBe(4)
        for (const ruleId of MODEL_RULES) {
          const result = results.get(ruleId)
          expect(result?.status, `${ruleId} (sibling ${sibling}): ${JSON.stringify(result)}`).toBe('error')
          expect(result?.reason, ruleId).toContain('cannot read /srv/models/llama/model.safetensors')
          expect(result?.needsRoot, ruleId).toBe(true)
        }
        expect(results.get('models-scan-clean')?.severity).toBe('critical')
        expect(run.json.headline?.failures.critical).toBeGreaterThanOrEqual(1)
        expect(run.json.score).toBeLessThan(100)
      }
    })

    it('gives the rules their verdict as root, who can read the file (exit 0)', async () => {
      const run = await runCliJson<AuditResult>(modelAudit(root))
      const results = baseline(run.json)
      for (const ruleId of MODEL_RULES) expect(results.get(ruleId)?.status, ruleId).toBe('pass')
      expect(run.exitCode).toBe(0)
    })
  },
)
