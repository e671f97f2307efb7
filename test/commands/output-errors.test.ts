import {randomBytes} from 'node:crypto'
import {existsSync} from 'node:fs'
import {chmod, mkdir, readdir, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCli, runCliJson, unprivilegedPrefix, type CliRun} from '../helpers/cli.js'
import {skipReason} from '../helpers/env.js'
import {CLI_TEST_TIMEOUT_MS, makeTempDir} from '../helpers/model-dir.js'
import {startScriptedServer, type ScriptedServer} from '../helpers/scripted-server.js'

/**
 * Exit 2 with exactly one error line on stderr that names `path`; never "Unexpected error".
 * A deprecation warning for an old flag name is not an error line.
 */
function expectOneLineNaming(run: CliRun, path: string): void {
  expect(run.exitCode, run.stderr).toBe(2)
  const lines = run.stderr
    .trim()
    .split('\n')
    .filter((line) => !line.startsWith('llmsec: warning: '))
  expect(lines, run.stderr).toHaveLength(1)
  expect(lines[0]).toContain(path)
  expect(lines[0]).not.toMatch(/Unexpected/)
}

let work: {dir: string; cleanup: () => Promise<void>}
let server: ScriptedServer
const at = (...parts: string[]) => join(work.dir, ...parts)
/** An audit run that is quick and needs nothing from the host. */
const quickAudit = () => ['audit', '--root', at('root'), '--rule', 'no-pickle-models']

beforeAll(async () => {
  work = await makeTempDir('llmsec-output-errors-')
  // Readable by nobody, for the unprivileged runs.
  await chmod(work.dir, 0o755)
  await mkdir(at('root', 'srv', 'models'), {recursive: true})
  await mkdir(at('locked'))
  await chmod(at('locked'), 0o555)
  await mkdir(at('model'))
  await writeFile(at('model', 'weights.bin'), 'weights')
  await writeFile(at('blocker'), 'a regular file where a directory is expected')
  await writeFile(at('plain.txt'), 'plaintext', {mode: 0o644})
  await writeFile(at('vault.key'), randomBytes(32), {mode: 0o644})
  const setup = [
    ['keys', 'generate', '--output', at('signer')],
    ['keys', 'ca', '--output', at('pki')],
    ['encrypt', at('plain.txt'), '--key-file', at('vault.key'), '--output', at('plain.txt.llmsec')],
  ]
  for (const args of setup) expect((await runCli(args)).exitCode, args.join(' ')).toBe(0)
  const saved = await runCliJson([...quickAudit(), '--fail-on', 'none'])
  await writeFile(at('saved.json'), saved.stdout, {mode: 0o644})
  server = await startScriptedServer({kind: 'vllm', noDelay: true, outputTokens: 4})
})
afterAll(async () => {
  await server?.close()
  await work?.cleanup()
})

describe('an output that cannot be written is exit 2 with one line naming it', {timeout: CLI_TEST_TIMEOUT_MS}, () => {
  const under = (name: string) => join(at('blocker'), name)
  const cases: [string, () => string[], () => string][] = [
    ['audit --output', () => [...quickAudit(), '--output', under('x.json')], () => under('x.json')],
    [
      'audit --output-dir',
      () => [...quickAudit(), '--format', 'json', '--format', 'sarif', '--output-dir', at('blocker')],
      () => at('blocker'),
    ],
    ['report --output', () => ['report', at('saved.json'), '--output', under('r.md')], () => under('r.md')],
    ['keys generate --output', () => ['keys', 'generate', '--output', under('k')], () => under('k')],
    ['keys ca --output', () => ['keys', 'ca', '--output', under('pki')], () => under('pki')],
    [
      'keys cert --output',
      () => [
        ...['keys', 'cert', '--ca-cert', at('pki', 'ca-cert.pem'), '--ca-key', at('pki', 'ca-private.pem')],
        ...['--subject', 'CN=release-bot', '--output', under('s')],
      ],
      () => under('s'),
    ],
    [
      'sign --output',
      () => ['sign', at('model'), '--key', at('signer', 'private.pem'), '--output', under('m.sig')],
      () => under('m.sig'),
    ],
    [
      'encrypt --output',
      () => ['encrypt', at('plain.txt'), '--key-file', at('vault.key'), '--output', under('p.llmsec')],
      () => under('p.llmsec'),
    ],
    [
      'decrypt --output',
      () => ['decrypt', at('plain.txt.llmsec'), '--key-file', at('vault.key'), '--output', under('p.txt')],
      () => under('p.txt'),
    ],
    [
      'init --output',
      () => ['init', '--yes', '--root', at('root'), '--output', under('llmsec.yaml')],
      () => under('llmsec.yaml'),
    ],
    [
      'bench --output',
      () => ['bench', '--endpoint', server.url, '--requests', '1', '--output', under('b.json')],
      () => under('b.json'),
    ],
  ]

  it.each(cases)('%s under a regular file (ENOTDIR)', async (_name, args, path) => {
    const run = await runCli(args())
    expectOneLineNaming(run, path())
    expect(run.stderr).toContain(`${at('blocker')} is not a directory`)
  })

  it('audit --output-dir /etc/passwd and keys generate --out /etc/passwd/k', async () => {
    if (skipReason(!existsSync('/etc/passwd'), 'no /etc/passwd on this machine')) return
    const dir = await runCli([...quickAudit(), '--output-dir', '/etc/passwd'])
    expectOneLineNaming(dir, '/etc/passwd')
    expect(dir.stderr).toBe('llmsec: Cannot write /etc/passwd/llmsec-audit.txt: /etc/passwd is not a directory.')
    // --out is the old name of --output, kept as a hidden alias (a deprecation warning, then the error).
    for (const flag of ['--out', '--output']) {
      const keys = await runCli(['keys', 'generate', flag, '/etc/passwd/k'])
      expectOneLineNaming(keys, '/etc/passwd/k')
      expect(keys.stderr).toMatch(/^llmsec: Cannot write \/etc\/passwd\/k: \/etc\/passwd is not a directory\.$/m)
    }
  })

  it('says OUTPUT_UNWRITABLE under --json and leaves no temp files behind', async () => {
    const run = await runCliJson([...quickAudit(), '--output', join(at('model'), 'weights.bin', 'x.json')])
    expect(run.exitCode).toBe(2)
    expect(run.json).toMatchObject({error: {code: 'OUTPUT_UNWRITABLE', exit: 2}})
    const encrypt = await runCli(['encrypt', at('plain.txt'), '--key-file', at('vault.key'), '--output', at('model')])
    expect(encrypt.exitCode, encrypt.stderr).not.toBe(3)
    expect((await readdir(work.dir)).filter((name) => name.endsWith('.tmp'))).toEqual([])
  })
})

describe('an output the user may not write is exit 2 with one line naming it', {timeout: CLI_TEST_TIMEOUT_MS}, () => {
  const prefix = unprivilegedPrefix()
  const as = {unprivileged: true}
  const cases: [string, () => string[], () => string][] = [
    ['audit --output /root/x.json', () => [...quickAudit(), '--output', '/root/x.json'], () => '/root/x.json'],
    [
      'report --output',
      () => ['report', at('saved.json'), '--output', at('locked', 'r.html')],
      () => at('locked', 'r.html'),
    ],
    ['keys generate --output', () => ['keys', 'generate', '--output', at('locked', 'k')], () => at('locked', 'k')],
    [
      'encrypt --output',
      () => ['encrypt', at('plain.txt'), '--key-file', at('vault.key'), '--output', at('locked', 'p.llmsec')],
      () => at('locked', 'p.llmsec'),
    ],
    [
      'init --output',
      () => ['init', '--yes', '--root', at('root'), '--output', at('locked', 'llmsec.yaml')],
      () => at('locked', 'llmsec.yaml'),
    ],
  ]

  it.each(cases)('%s (EACCES)', async (_name, args, path) => {
    if (skipReason(prefix === null, 'neither setpriv nor runuser can run commands as nobody here')) return
    const run = await runCli(args(), as)
    expectOneLineNaming(run, path())
    expect(run.stderr).toMatch(/permission denied/)
  })
})
