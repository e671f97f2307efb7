import {writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {signModel} from '../../src/artifacts/index.js'
import type {AuditResult} from '../../src/audit/index.js'
import {buildHardenedRoot, hardenedConfig} from '../helpers/audit-roots.js'
import {runCliJson} from '../helpers/cli.js'
import {removeRoot, safetensorsBytes} from '../helpers/rootfs.js'

// The built-in ruleset scans at most 500 model files; the hardened root holds one.
const EXTRA_FILES = 500

describe('llmsec audit on a root with more model files than the scan limit', () => {
  let root: string
  beforeAll(async () => {
    root = await buildHardenedRoot()
    const directory = join(root, 'srv/models/llama')
    for (let i = 0; i < EXTRA_FILES; i++)
      await writeFile(join(directory, `shard-${i}.safetensors`), safetensorsBytes(), {mode: 0o640})
    await signModel(directory, {key: join(root, 'signing-private.pem')})
  })
  afterAll(() => removeRoot(root))

  it('reports models-scan-clean as an error with the count and exits 4 (incomplete), not as a pass', async () => {
    const run = await runCliJson<AuditResult>([
      'audit',
      '--root',
      root,
      '--config',
      hardenedConfig(root),
      '--fail-on',
      'none',
    ])
    const rule = run.json.rules.find((r) => r.ruleId === 'models-scan-clean')
    expect(rule, run.stderr).toMatchObject({
      status: 'error',
      reason: 'scanned 500 of 501 model files (maxFiles 500); the rest were not analysed',
    })
    expect(run.exitCode, run.stderr).toBe(4)
  }, 120_000)
})
