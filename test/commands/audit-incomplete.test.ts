import {chmod} from 'node:fs/promises'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {AuditResult} from '../../src/audit/index.js'
import {buildHardenedRoot, hardenedConfig} from '../helpers/audit-roots.js'
import {runCli, runCliJson} from '../helpers/cli.js'
import {skipReason} from '../helpers/env.js'
import {removeRoot} from '../helpers/rootfs.js'
import {openToOthers, whyNoUnprivilegedRun} from '../helpers/unprivileged.js'

const why = await whyNoUnprivilegedRun()
const MODEL_RULES = ['no-pickle-models', 'models-scan-clean', 'models-not-world-writable']

describe.skipIf(skipReason(why !== null, `audit as an unprivileged user: ${why}`))(
  'llmsec audit by a user who cannot read the model directory',
  () => {
    let root: string
    beforeAll(async () => {
      root = await buildHardenedRoot()
      await openToOthers(root)
      await chmod(join(root, 'srv/models'), 0o700)
    })
    afterAll(() => removeRoot(root))

    it('exits 4 (incomplete), scores lower than root and names the rules that need root', async () => {
      const args = ['audit', '--root', root, '--config', hardenedConfig(root), '--fail-on', 'none']
      const asRoot = await runCliJson<AuditResult>(args)
      const asNobody = await runCliJson<AuditResult>(args, {unprivileged: true})
      expect(asRoot.exitCode, asRoot.stderr).toBe(0)
      expect(asNobody.exitCode, asNobody.stderr).toBe(4)
      expect(asNobody.json.score).toBeLessThan(asRoot.json.score)
      const errors = asNobody.json.rules.filter((r) => r.status === 'error')
      for (const id of MODEL_RULES) {
        expect(asRoot.json.rules.find((r) => r.ruleId === id)?.status, id).toBe('pass')
        expect(
          errors.find((r) => r.ruleId === id),
          id,
        ).toMatchObject({needsRoot: true})
      }
      expect(asNobody.json.headline?.errors).toBe(errors.length)
      const text = await runCli(args, {unprivileged: true})
      expect(text.exitCode).toBe(4)
      expect(text.stdout).toMatch(/could not be evaluated/)
      expect(text.stdout).toMatch(/run as root to evaluate: .*no-pickle-models/)
      expect(text.stderr).toMatch(/^incomplete: \d+ rules could not be evaluated \(exit 4; .*run as root to evaluate/m)
    })

    it('exits by --fail-on with --allow-incomplete, the errors still counted as failures', async () => {
      const high = await runCliJson<AuditResult>(['audit', '--root', root, '--allow-incomplete'], {unprivileged: true})
      expect(high.json.allowIncomplete).toBe(true)
      // no-pickle-models is high: an error of a high rule fails --fail-on high.
      expect(high.exitCode, high.stderr).toBe(1)
      const none = await runCliJson<AuditResult>(['audit', '--root', root, '--allow-incomplete', '--fail-on', 'none'], {
        unprivileged: true,
      })
      expect(none.exitCode).toBe(0)
    })
  },
)
