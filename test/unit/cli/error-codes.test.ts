import {readdirSync, readFileSync} from 'node:fs'
import {join, relative} from 'node:path'

import {describe, expect, it} from 'vitest'

import {ERROR_CODES, ERROR_TABLES} from '../../../src/cli/error-codes.js'
import {ExitCode} from '../../../src/core/errors.js'
import {repoRoot} from '../../helpers/cli.js'

const errorsDoc = readFileSync(join(repoRoot, 'docs', 'errors.md'), 'utf8')

/** The docs/errors.md section of one domain, as the table must read. */
function expectedSection(domain: string): string {
  const table = ERROR_TABLES[domain as keyof typeof ERROR_TABLES]
  const rows = Object.entries(table).map(([code, spec]) => `| \`${code}\` | ${spec.exit} | ${spec.meaning} |`)
  return [`### ${domain}`, '', '| code | exit | meaning |', '| --- | --- | --- |', ...rows].join('\n')
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return entry.name.endsWith('.ts') ? [path] : []
  })
}

describe('error codes', () => {
  it('declares each code in exactly one domain table', () => {
    const counts = new Map<string, string[]>()
    for (const [domain, table] of Object.entries(ERROR_TABLES))
      for (const code of Object.keys(table)) counts.set(code, [...(counts.get(code) ?? []), domain])
    const twice = [...counts].filter(([, domains]) => domains.length > 1)
    expect(twice).toEqual([])
    expect(Object.keys(ERROR_CODES).sort()).toEqual([...counts.keys()].sort())
  })

  it('has no errno-like, empty or oddly spelled codes, and only documented exits', () => {
    const exits = new Set<number>([ExitCode.Findings, ExitCode.Usage, ExitCode.Unexpected, ExitCode.Incomplete])
    for (const [code, spec] of Object.entries(ERROR_CODES)) {
      expect(code, code).toMatch(/^[A-Z][A-Z0-9_]*[A-Z0-9]$/)
      expect(code, code).not.toMatch(/^E[A-Z]+$/)
      expect(exits.has(spec.exit), code).toBe(true)
      expect(spec.meaning.length, code).toBeGreaterThan(10)
    }
  })

  it('keeps synonyms merged: one code for an output that already exists', () => {
    for (const synonym of ['FILE_EXISTS', 'KEY_EXISTS', 'KEY_INVALID', 'HEADER_TAMPERED', 'PERMISSION_DENIED'])
      expect(Object.keys(ERROR_CODES)).not.toContain(synonym)
    expect(ERROR_CODES.OUTPUT_EXISTS.exit).toBe(ExitCode.Usage)
  })

  it('knows every domain that builds errors (no table of codes the base command cannot print)', () => {
    const declaring = sourceFiles(join(repoRoot, 'src'))
      .filter((file) => /= errorConstructor\b/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(join(repoRoot, 'src'), file))
      .sort()
    const expected = Object.keys(ERROR_TABLES).map((d) => (d === 'core' ? 'core/errors.ts' : `${d}/errors.ts`))
    expect(declaring).toEqual(expected.sort())
  })

  it.each(Object.keys(ERROR_TABLES))('docs/errors.md lists the %s codes with their exit and meaning', (domain) => {
    const expected = expectedSection(domain)
    expect(errorsDoc.includes(expected), `docs/errors.md needs exactly:\n\n${expected}\n`).toBe(true)
  })
})
