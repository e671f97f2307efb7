import {mkdir, mkdtemp, readdir, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {coreError, ExitCode, fsError, LlmsecError, outputExistsError, worstExitCode} from '../../../src/core/errors.js'
import {ensureDirectory, refuseExisting, suggestedOutput, writeFileAtomic} from '../../../src/core/fs.js'

const errno = (code: string) => Object.assign(new Error(`${code}: failed`), {code})

/** Runs `work` and returns what it threw, as an LlmsecError. */
async function thrown(work: () => Promise<unknown>): Promise<LlmsecError> {
  try {
    await work()
  } catch (error) {
    expect(error).toBeInstanceOf(LlmsecError)
    return error as LlmsecError
  }
  throw new Error('expected a failure')
}

describe('fsError', () => {
  it('maps read failures to INPUT_* codes whose line names the path', () => {
    expect(fsError(errno('ENOENT'), '/x/a.yaml')).toMatchObject({code: 'INPUT_NOT_FOUND', exit: ExitCode.Usage})
    const denied = fsError(errno('EACCES'), '/x/a.yaml')
    expect(denied).toMatchObject({code: 'INPUT_UNREADABLE', message: 'Permission denied to read /x/a.yaml.'})
    expect(fsError(errno('EISDIR'), '/x')).toMatchObject({code: 'INPUT_UNREADABLE'})
    expect(fsError(errno('EIO'), '/x/a').message).toMatch(/^Cannot read \/x\/a: EIO/)
  })

  it('never reports a permission problem as "does not exist"', () => {
    for (const code of ['EACCES', 'EPERM']) expect(fsError(errno(code), '/x').message).not.toMatch(/does not exist/)
  })

  it('maps write failures to OUTPUT_* codes, each one line naming the path', () => {
    const cases: [string, RegExp][] = [
      ['EACCES', /^Cannot write \/out\/r\.json: permission denied\.$/],
      ['EPERM', /permission denied/],
      ['EROFS', /read-only/],
      ['ENOSPC', /no space left/],
      ['EISDIR', /is a directory/],
      ['ENOENT', /\/out does not exist/],
    ]
    for (const [code, message] of cases) {
      const error = fsError(errno(code), '/out/r.json', 'write')
      expect(error.code, code).toBe('OUTPUT_UNWRITABLE')
      expect(error.exit).toBe(ExitCode.Usage)
      expect(error.message, code).toMatch(message)
      expect(error.message.split('\n')).toHaveLength(1)
    }
    expect(fsError(errno('EEXIST'), '/out/r.json', 'write').code).toBe('OUTPUT_EXISTS')
  })

  it('passes an LlmsecError through unchanged', () => {
    const original = coreError('INPUT_MALFORMED', 'bad')
    expect(fsError(original, '/x')).toBe(original)
  })
})

describe('output files and directories on a real filesystem', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'llmsec-errors-'))
    await writeFile(join(dir, 'file'), 'x')
    await mkdir(join(dir, 'sub'))
  })
  afterAll(() => rm(dir, {recursive: true, force: true}))

  it('names the file in the way when a directory cannot be created (ENOTDIR, EEXIST)', async () => {
    const under = await thrown(() => ensureDirectory(join(dir, 'file', 'k')))
    expect(under).toMatchObject({code: 'OUTPUT_UNWRITABLE', exit: ExitCode.Usage})
    expect(under.message).toBe(`Cannot write ${join(dir, 'file', 'k')}: ${join(dir, 'file')} is not a directory.`)
    const itself = await thrown(() => ensureDirectory(join(dir, 'file')))
    expect(itself.message).toBe(`Cannot write ${join(dir, 'file')}: ${join(dir, 'file')} is not a directory.`)
    await ensureDirectory(join(dir, 'sub', 'a', 'b'))
  })

  it('refuses to write over a directory or under a file, leaving no temp file behind', async () => {
    const onDir = await thrown(() => writeFileAtomic(join(dir, 'sub'), 'x'))
    expect(onDir).toMatchObject({code: 'OUTPUT_UNWRITABLE'})
    expect(onDir.message).toMatch(/is a directory/)
    const underFile = await thrown(() => writeFileAtomic(join(dir, 'file', 'r.json'), 'x'))
    expect(underFile.message).toMatch(/file is not a directory/)
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([])
  })

  it('refuses an existing output without --force, with one message for every kind of output', async () => {
    const refused = await thrown(() => refuseExisting([join(dir, 'none'), join(dir, 'file')]))
    expect(refused).toEqual(outputExistsError(join(dir, 'file')))
    expect(refused.message).toBe(`${join(dir, 'file')} already exists; pass --force to overwrite it.`)
    await refuseExisting([join(dir, 'file')], true)
    expect((await thrown(() => writeFileAtomic(join(dir, 'file'), 'y', {exclusive: true}))).code).toBe('OUTPUT_EXISTS')
  })
})

describe('exit codes', () => {
  it('takes the worst exit of a batch, Ok for none', () => {
    expect(worstExitCode([])).toBe(ExitCode.Ok)
    expect(worstExitCode([ExitCode.Ok, ExitCode.Findings, ExitCode.Usage, ExitCode.Findings])).toBe(ExitCode.Usage)
    expect(ExitCode.Incomplete).toBe(4)
  })
})

describe('suggestedOutput', () => {
  it('never suggests writing over the input it is about', () => {
    expect(suggestedOutput('audit.json', 'package.json')).toBe('audit.json')
    expect(suggestedOutput('audit.json', './audit.json')).toBe('audit-new.json')
    expect(suggestedOutput('new.key', join(process.cwd(), 'new.key'))).toBe('new-new.key')
  })
})
