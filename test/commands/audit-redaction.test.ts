import {readdir, readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCli} from '../helpers/cli.js'
import {buildRoot, removeRoot} from '../helpers/rootfs.js'

// Secrets planted in the crafted root, by shape. Each is long enough for its pattern and unique, so
// finding any of their tails anywhere in an output is a leak.
const HF = 'hf_PlantedHuggingFaceToken0123456789'
const OPENAI = 'sk-proj-PlantedOpenAIKey0123456789abcdef'
const AWS = 'AKIAPLANTEDAWSKEY123'
const GITHUB = 'ghp_PlantedGitHubToken0123456789abcdefgh'
const PASSWORD = 'Planted-Db-Passw0rd!'
const SECRETS = [HF, OPENAI, AWS, GITHUB, PASSWORD]
/** The part of each secret a mask must remove (the prefix is kept on purpose: `hf_***`). */
const TAILS = SECRETS.map((s) => s.slice(-12))
/** How the custom rules' evidence shows them. */
const MASKED = [
  'OPENAI_API_KEY=sk-proj-***',
  'AWS_ACCESS_KEY_ID=***',
  'DB_PASSWORD=***',
  'ghp_***',
  '--api-key sk-proj-***',
]

const RULESET = `apiVersion: llmsec.dev/v1
kind: Ruleset
id: secrets-seen
title: Rules whose evidence quotes the lines that hold secrets
version: 1.0.0
rules:
  - id: env-file-has-no-keys
    title: The vLLM environment file holds no keys
    severity: high
    check: {id: file-content, params: {path: /etc/default/vllm, pattern: '^export .*', expect: no-match}}
    remediation: Move the key to a credential.
  - id: env-file-has-no-password
    title: The database environment file holds no password
    severity: high
    check: {id: file-content, params: {path: /etc/default/db, pattern: 'DB_PASSWORD.*', expect: no-match}}
    remediation: Move the password to a credential.
  - id: unit-has-no-api-key-flag
    title: The unit passes no key on its command line
    severity: high
    check: {id: file-content, params: {path: /etc/systemd/system/vllm.service, pattern: 'ExecStart=.*', expect: no-match}}
    remediation: Use --api-key-file.
  - id: no-github-token
    title: No GitHub token in the deploy notes
    severity: medium
    check: {id: file-content, params: {path: /opt/deploy/NOTES, pattern: 'gh[a-z]_.*', expect: no-match}}
    remediation: Revoke it.
`

function expectMasked(text: string, where: string): void {
  for (const tail of TAILS) expect(text.includes(tail), `${where} leaks …${tail}`).toBe(false)
}

describe('secrets in evidence are masked in every format (audit and report)', () => {
  let root: string
  beforeAll(async () => {
    root = await buildRoot({
      '/etc/os-release': 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n',
      '/etc/hostname': 'gpu-secrets\n',
      '/lib/systemd/systemd': {content: '', mode: 0o755},
      '/etc/default/vllm': `export OPENAI_API_KEY=${OPENAI} AWS_ACCESS_KEY_ID=${AWS}\n`,
      '/etc/default/db': `DB_PASSWORD="${PASSWORD}"\n`,
      '/opt/deploy/NOTES': `clone with ${GITHUB}\n`,
      '/etc/systemd/system/vllm.service': [
        '[Service]',
        `Environment=HF_TOKEN=${HF}`,
        `ExecStart=/opt/vllm/bin/vllm serve /srv/models/llama --host 0.0.0.0 --api-key ${OPENAI}`,
        '[Install]',
        'WantedBy=multi-user.target',
        '',
      ].join('\n'),
      '/etc/systemd/system/multi-user.target.wants/vllm.service': {link: '/etc/systemd/system/vllm.service'},
      '/home/alice/.cache/huggingface/token': {content: `${HF}\n`, mode: 0o644},
      '/rules/secrets.yaml': RULESET,
    })
  })
  afterAll(() => removeRoot(root))

  it('audit --format json/sarif/html/markdown/junit: every file masks them, and shows the masked evidence', async () => {
    const out = join(root, 'out')
    const formats = ['json', 'sarif', 'html', 'markdown', 'junit'].flatMap((f) => ['--format', f])
    const rulesets = ['--ruleset', join(root, 'rules/secrets.yaml'), '--ruleset', 'all']
    const run = await runCli([
      'audit',
      '--root',
      root,
      ...rulesets,
      ...formats,
      '--output-dir',
      out,
      '--allow-incomplete',
    ])
    expect(run.exitCode, run.stderr).toBe(1)
    expectMasked(run.stderr, 'stderr')
    const files = await readdir(out)
    expect(files.sort()).toEqual(
      [
        'llmsec-audit.html',
        'llmsec-audit.json',
        'llmsec-audit.junit.xml',
        'llmsec-audit.md',
        'llmsec-audit.sarif',
      ].sort(),
    )
    for (const file of files) {
      const text = await readFile(join(out, file), 'utf8')
      expectMasked(text, file)
      // The evidence is there, masked (the prefix kept): the test would see a leak, not an empty report.
      for (const masked of MASKED) expect(text, file).toContain(masked)
    }
    // The table on stdout too.
    const table = await runCli(['audit', '--root', root, '--ruleset', join(root, 'rules/secrets.yaml')])
    for (const masked of MASKED) expect(table.stdout).toContain(masked)
    expectMasked(table.stdout, 'table')
    const json = await runCli(['audit', '--root', root, '--ruleset', join(root, 'rules/secrets.yaml'), '--json'])
    for (const masked of MASKED) expect(json.stdout).toContain(masked)
    expectMasked(json.stdout, '--json')
  })

  it('report masks secrets in saved JSON that was not masked (an older llmsec, or edited by hand)', async () => {
    const saved = join(root, 'saved.json')
    const run = await runCli(['audit', '--root', root, '--ruleset', join(root, 'rules/secrets.yaml'), '--json'])
    // Put the raw secrets back where the audit had masked them.
    const raw = run.stdout
      .replaceAll('sk-proj-***', OPENAI)
      .replaceAll('AWS_ACCESS_KEY_ID=***', `AWS_ACCESS_KEY_ID=${AWS}`)
      .replaceAll('ghp_***', GITHUB)
      .replaceAll('DB_PASSWORD=***', `DB_PASSWORD=${PASSWORD}`)
    for (const secret of [OPENAI, AWS, GITHUB, PASSWORD]) expect(raw).toContain(secret)
    await writeFile(saved, raw)
    const out = join(root, 'report-out')
    const formats = ['json', 'sarif', 'html', 'markdown', 'junit'].flatMap((f) => ['--format', f])
    const report = await runCli(['report', saved, ...formats, '--output-dir', out])
    expect(report.exitCode, report.stderr).toBe(0)
    for (const file of await readdir(out)) {
      const text = await readFile(join(out, file), 'utf8')
      expectMasked(text, `report ${file}`)
      for (const masked of MASKED) expect(text, file).toContain(masked)
    }
  })
})
