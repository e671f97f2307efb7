import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import {runTool} from '../../../src/core/exec.js'
import {loadAdvisoryDb} from '../../../src/vulns/index.js'
import {hasTool, skipReason} from '../../helpers/env.js'

const dir = mkdtempSync(join(tmpdir(), 'llmsec-osvdb-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))
const noPython = skipReason(
  !hasTool('python3'),
  'python3 is not installed: OSV zip exports cannot be made for the test',
)

const record = (id: string, name: string, fixed: string, modified = '2026-11-20T00:00:00Z') => ({
  id,
  modified,
  affected: [{package: {ecosystem: 'PyPI', name}, ranges: [{type: 'ECOSYSTEM', events: [{introduced: '0'}, {fixed}]}]}],
})

/** Writes a zip with Python's zipfile: members as given (name → text), plus a 5 MiB member of zeros. */
async function makeZip(path: string, members: Record<string, string>): Promise<void> {
  const script = join(dir, 'mkzip.py')
  writeFileSync(
    script,
    [
      'import json, sys, zipfile',
      'members = json.loads(sys.argv[2])',
      'with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:',
      '    z.writestr("nested/", "")',
      '    for name, text in members.items(): z.writestr(name, text)',
      '    z.writestr("huge.json", "0" * (5 * 1024 * 1024))',
    ].join('\n'),
  )
  const result = await runTool('python3', [script, path, JSON.stringify(members)])
  expect(result.status, result.reason).toBe('ok')
}

describe('OSV exports (--db)', () => {
  it.skipIf(noPython)(
    'streams a zip: keeps wanted records, notes members that are not OSV JSON, dates the source',
    async () => {
      const zip = join(dir, 'PyPI-all.zip')
      await makeZip(zip, {
        'GHSA-1.json': JSON.stringify(record('GHSA-1', 'Torch', '2.7.0')),
        'GHSA-2.json': JSON.stringify(record('GHSA-2', 'unrelated', '1.0', '2026-11-25T00:00:00Z')),
        'broken.json': '{"id": ',
        'not-osv.json': '[1, 2, 3]',
        'README.txt': 'ignored',
      })
      const db = await loadAdvisoryDb({
        paths: [zip],
        wanted: new Set(['PyPI\0torch']),
        now: Date.parse('2026-12-02T00:00:00Z'),
      })
      // The bundled torch records come first; the export's matching record follows them.
      expect(
        db.byKey
          .get('PyPI\0torch')
          ?.map((e) => e.record.id)
          .at(-1),
      ).toBe('GHSA-1')
      expect(db.byKey.has('PyPI\0unrelated')).toBe(false)
      const source = db.info.sources.find((s) => s.source === zip)
      expect(source).toEqual({source: zip, records: 2, newestModified: '2026-11-25T00:00:00Z', ageDays: 7})
      const notes = db.info.notes.filter((n) => n.subject.startsWith(zip))
      expect(notes.map((n) => n.subject.split('!')[1]).sort()).toEqual(['broken.json', 'huge.json', 'not-osv.json'])
      expect(notes.every((n) => n.code === 'db-record-invalid')).toBe(true)
    },
  )

  it('notes a file that is not a zip, and data older than 30 days', async () => {
    const bad = join(dir, 'bad.zip')
    writeFileSync(bad, 'this is not a zip archive')
    const old = join(dir, 'old')
    rmSync(old, {recursive: true, force: true})
    await runTool('mkdir', ['-p', join(old, 'sub')])
    writeFileSync(
      join(old, 'sub', 'PYSEC-1.json'),
      JSON.stringify(record('PYSEC-1', 'mlflow', '2.0', '2026-01-01T00:00:00Z')),
    )
    const db = await loadAdvisoryDb({paths: [bad, old], now: Date.parse('2026-12-02T00:00:00Z')})
    expect(db.info.notes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({code: 'input-malformed', subject: bad}),
        expect.objectContaining({code: 'db-stale', subject: old}),
      ]),
    )
    expect(db.byKey.get('PyPI\0mlflow')?.map((e) => e.record.id)).toContain('PYSEC-1')
  })

  it('a --db path that does not exist is an input error', async () => {
    await expect(loadAdvisoryDb({paths: [join(dir, 'missing.zip')]})).rejects.toMatchObject({code: 'INPUT_NOT_FOUND'})
  })
})
