import {chmod} from 'node:fs/promises'

import {execa} from 'execa'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {AuditResult} from '../../../src/audit/index.js'
import {binPath, repoRoot, runCliJson, unprivilegedPrefix} from '../../helpers/cli.js'
import {hasTool, isRoot, skipReason} from '../../helpers/env.js'
import {buildRoot, removeRoot} from '../../helpers/rootfs.js'

const WALK = ['--walk', '--rule', 'files-world-writable', '--fail-on', 'none', '--allow-incomplete']

/**
 * In a private mount namespace (unshare -m): a proc filesystem (world-writable entries such as
 * attr/current) and a tmpfs with a 0666 file, both mounted inside the root. The walk must skip the
 * pseudo filesystem and walk the local one. The mount commands get the paths as arguments.
 */
async function auditWithMounts(root: string): Promise<AuditResult> {
  const script =
    'mount -t proc proc "$1/srv/pseudo" && mount -t tmpfs tmpfs "$1/data" && printf x > "$1/data/open" && chmod 0666 "$1/data/open" && shift && exec "$@"'
  const run = await execa(
    'unshare',
    [
      '-m',
      '--propagation',
      'private',
      'sh',
      '-c',
      script,
      'sh',
      root,
      process.execPath,
      binPath,
      'audit',
      '--root',
      root,
      ...WALK,
      '--json',
    ],
    {reject: false, cwd: repoRoot, timeout: 60_000, env: {NO_COLOR: '1'}},
  )
  expect(run.exitCode, String(run.stderr)).toBe(0)
  return JSON.parse(String(run.stdout)) as AuditResult
}

const why = !isRoot ? 'mounting needs root' : hasTool('unshare') ? null : 'unshare is not installed'

describe.skipIf(skipReason(why !== null, `audit --walk across mounts: ${why}`))('audit --walk and mounts', () => {
  let root: string
  beforeAll(async () => {
    root = await buildRoot({'/srv/pseudo': {dir: 0o755}, '/data': {dir: 0o755}, '/srv/ok': 'x'})
  })
  afterAll(async () => removeRoot(root))

  it('walks a local tmpfs mounted in the root and does not enter a proc filesystem', async () => {
    const rule = (await auditWithMounts(root)).rules.find((r) => r.ruleId === 'files-world-writable')!
    expect(rule.status, JSON.stringify(rule)).toBe('fail')
    expect(rule.evidence.slice(0, 2)).toEqual(['1 world-writable regular files; the first 1:', '/data/open (0666)'])
    expect(rule.evidence.at(-1)).toMatch(/mounts not entered: \/srv\/pseudo \(proc\)/)
  })
})

describe.skipIf(
  skipReason(!isRoot || unprivilegedPrefix() === null, 'audit --walk as nobody: needs root to drop privileges'),
)('audit --walk without the permissions to list a directory', () => {
  let root: string
  beforeAll(async () => {
    root = await buildRoot({'/srv/private': {dir: 0o700}, '/srv/private/open': {content: 'x', mode: 0o666}})
    await chmod(root, 0o755)
  })
  afterAll(async () => removeRoot(root))

  it('is an error that names the directory and asks for root, never a pass', async () => {
    const run = await runCliJson<AuditResult>(['audit', '--root', root, ...WALK], {unprivileged: true})
    const rule = run.json.rules.find((r) => r.ruleId === 'files-world-writable')!
    expect(rule.status, JSON.stringify(rule)).toBe('error')
    expect(rule.reason).toMatch(/cannot read \/srv\/private: permission denied \(EACCES\); run llmsec as root/)
    expect(rule.needsRoot).toBe(true)
  })
})
