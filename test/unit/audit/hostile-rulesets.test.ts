import {join} from 'node:path'

import fc from 'fast-check'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {loadRuleset, runAudit} from '../../../src/audit/index.js'
import {MAX_EVIDENCE_CHARS, MAX_EVIDENCE_LINES, sanitizeEvidence} from '../../../src/audit/evidence.js'
import {LlmsecError} from '../../../src/core/errors.js'
import {redactSecrets} from '../../../src/core/redact.js'
import {buildRoot, removeRoot} from '../../helpers/rootfs.js'

const header = 'apiVersion: llmsec.dev/v1\nkind: Ruleset\nid: hostile\ntitle: Hostile\nversion: 1.0.0\n'
const contentRule = (pattern: string, path = '/etc/big.txt') =>
  `${header}rules:\n  - id: big-file\n    title: Big file\n    severity: high\n    check:\n      {id: file-content, params: {path: ${path}, pattern: '${pattern}'}}\n    remediation: Fix it.\n`

describe('regular expressions from rulesets', () => {
  let root: string
  beforeAll(async () => {
    root = await buildRoot({
      '/etc/big.txt': `${'a'.repeat(100_000)}b\n`,
      '/etc/ok.txt': 'aaaa\n',
      '/rules/evil.yaml': contentRule('^(a+)+$'),
      '/rules/ok.yaml': contentRule('^(a+)+$', '/etc/ok.txt'),
      '/rules/lookahead.yaml': contentRule('^(?=a)a'),
      '/rules/backref.yaml': contentRule('(a)\\1'),
    })
  })
  afterAll(() => removeRoot(root))

  it('runs ^(a+)+$ over a 100 kB line on a linear-time engine: a verdict, well inside 2 s', async () => {
    const rulesets = [await loadRuleset(join(root, 'rules/evil.yaml'))]
    const started = performance.now()
    const out = await runAudit({rulesets, root, timeoutMs: 2000})
    expect(performance.now() - started).toBeLessThan(2000)
    expect(out.rules[0]).toMatchObject({ruleId: 'big-file', status: 'fail'})
    expect(out.rules[0].durationMs).toBeLessThan(2000)
    // The benign twin: the same pattern matches a line of a's.
    const twin = await runAudit({rulesets: [await loadRuleset(join(root, 'rules/ok.yaml'))], root})
    expect(twin.rules[0].status).toBe('pass')
  })

  it('rejects at load, with file:line:column, a pattern RE2 cannot compile (lookaround, backreferences)', async () => {
    for (const name of ['lookahead', 'backref']) {
      const file = join(root, `rules/${name}.yaml`)
      const error = await loadRuleset(file).catch((e: unknown) => e)
      expect(error, name).toBeInstanceOf(LlmsecError)
      expect((error as LlmsecError).exit).toBe(2)
      expect((error as LlmsecError).message).toMatch(
        new RegExp(`^${file}:\\d+:\\d+: rules\\[0\\]\\.check\\.params\\.pattern: .* is not an RE2 regular expression`),
      )
    }
  })
})

describe('evidence redaction and caps', () => {
  const tokens = [
    'hf_abcdefghijklmnopqrstuvwxyz012345',
    'sk-proj-abcdefghijklmnopqrstuvwxyz',
    'AKIAIOSFODNN7EXAMPLE',
    'ghp_abcdefghijklmnopqrstuvwxyz0123456789',
    'github_pat_11ABCDEFG0abcdefghijklmnopqrstuv',
  ]

  it('masks token shapes and secret assignments, keeps what is not a secret', () => {
    for (const token of tokens) expect(redactSecrets(`saw ${token} in a unit`)).not.toContain(token)
    expect(redactSecrets('Environment=OPENAI_API_KEY=abc123 DB_PASSWORD="p w"')).toBe(
      'Environment=OPENAI_API_KEY=*** DB_PASSWORD=***',
    )
    expect(redactSecrets('vllm serve --api-key s3cret --port 8000')).toBe('vllm serve --api-key *** --port 8000')
    expect(redactSecrets('HF_TOKEN=hf_abcdefghijklmnop')).toBe('HF_TOKEN=hf_***')
    // Benign twins: nothing secret, nothing masked.
    for (const text of [
      'PasswordAuthentication yes; expected no',
      '/home/alice/.cache/huggingface/token mode 0644 is readable by others',
      'kernel.kptr_restrict = 2',
      'OLLAMA_HOST=0.0.0.0',
      'signing.publicKey: /etc/llmsec/signer.pub',
    ])
      expect(redactSecrets(text)).toBe(text)
  })

  it('never lets a generated token through, whatever surrounds it (property)', () => {
    const token = fc.oneof(
      fc.stringMatching(/^hf_[A-Za-z0-9]{8,40}$/),
      fc.stringMatching(/^sk-[A-Za-z0-9_-]{16,40}$/),
      fc.stringMatching(/^gh[pousr]_[A-Za-z0-9]{20,40}$/),
      fc.stringMatching(/^AKIA[0-9A-Z]{16}$/),
    )
    const around = fc.constantFrom(' ', '=', ': ', '"', ' --token ', '\t', 'X_KEY=')
    fc.assert(
      fc.property(fc.string({maxLength: 40}), around, token, around, fc.string({maxLength: 40}), (a, l, t, r, b) => {
        expect(redactSecrets(`${a}${l}${t}${r}${b}`)).not.toContain(t)
      }),
      {numRuns: 500},
    )
  })

  it('caps lines and line counts, after redaction, in linear time', () => {
    const long = `HF_TOKEN=${'x'.repeat(100)} ${'y'.repeat(5000)}`
    const [line] = sanitizeEvidence([long])
    expect(line.length).toBeLessThanOrEqual(MAX_EVIDENCE_CHARS + 40)
    expect(line).not.toContain('x'.repeat(100))
    const many = sanitizeEvidence(Array.from({length: 500}, (_, i) => `line ${i}`))
    expect(many).toHaveLength(MAX_EVIDENCE_LINES + 1)
    expect(many.at(-1)).toBe(`… and ${500 - MAX_EVIDENCE_LINES} more lines`)
    const started = performance.now()
    sanitizeEvidence(['_'.repeat(1_000_000), 'A'.repeat(1_000_000), `${'a_'.repeat(500_000)}=`])
    expect(performance.now() - started).toBeLessThan(1000)
  })
})
