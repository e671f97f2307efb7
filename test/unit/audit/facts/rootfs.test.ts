import {execa} from 'execa'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {classifyReadError, readTextIn, RootReader, statIn} from '../../../../src/audit/facts/rootfs.js'
import {listDirIn} from '../../../../src/audit/facts/index.js'
import {skipReason} from '../../../helpers/env.js'
import {buildRoot, removeRoot} from '../../../helpers/rootfs.js'
import {openToOthers, runScriptAsNobody, whyNoUnprivilegedRun} from '../../../helpers/unprivileged.js'

const errno = (code: string) => Object.assign(new Error(code), {code})

describe('reading the audited system', () => {
  let root: string
  beforeAll(async () => {
    root = await buildRoot({
      '/etc/hostname': 'host\n',
      '/etc/ten': '0123456789',
      '/etc/conf.d': {dir: 0o755},
      '/etc/outside': {link: '/etc/hostname'},
    })
    await execa('mkfifo', [`${root}/etc/fifo`])
  })
  afterAll(() => removeRoot(root))

  it('tells absent (ENOENT, ENOTDIR) from present', async () => {
    expect(await readTextIn(root, '/nope')).toEqual({state: 'absent', path: '/nope'})
    expect((await readTextIn(root, '/etc/hostname/x')).state).toBe('absent')
    expect(await readTextIn(root, '/etc/hostname')).toEqual({state: 'present', path: '/etc/hostname', value: 'host\n'})
    expect((await statIn(root, '/etc/conf.d')).state).toBe('present')
    expect(await listDirIn(root, '/etc/conf.d')).toEqual({state: 'present', path: '/etc/conf.d', value: []})
  })

  it('reports a path that is no regular file as unreadable, and never blocks on a FIFO', async () => {
    expect(await readTextIn(root, '/etc/conf.d')).toMatchObject({state: 'unreadable', code: 'EISDIR'})
    expect(await readTextIn(root, '/etc/fifo')).toMatchObject({state: 'unreadable', code: 'EFTYPE'})
  })

  it('reads at most max bytes, /proc files (size 0) to their end, and /dev/null as empty', async () => {
    expect(await readTextIn(root, '/etc/ten', 4)).toMatchObject({state: 'present', value: '0123'})
    const status = await readTextIn('/', '/proc/self/status')
    expect(status.state === 'present' && status.value).toMatch(/^Name:/)
    expect(await readTextIn('/', '/dev/null')).toMatchObject({state: 'present', value: ''})
  })

  it('classifies errno: ENOENT/ENOTDIR absent; EACCES, EPERM, EIO and the rest unreadable with the code', () => {
    expect(classifyReadError('/x', errno('ENOENT'))).toEqual({state: 'absent', path: '/x'})
    expect(classifyReadError('/x', errno('ENOTDIR')).state).toBe('absent')
    expect(classifyReadError('/x', errno('EIO'))).toEqual({
      state: 'unreadable',
      path: '/x',
      code: 'EIO',
      reason: 'I/O error (EIO)',
    })
    expect(classifyReadError('/x', errno('EACCES'))).toMatchObject({reason: 'permission denied (EACCES)'})
    expect(classifyReadError('/x', errno('EMFILE'))).toMatchObject({state: 'unreadable', code: 'EMFILE'})
    expect(classifyReadError('/x', new Error('no code'))).toMatchObject({state: 'unreadable', code: 'EUNKNOWN'})
  })

  it('keeps a link inside the root and records what it could not read once', async () => {
    const reader = new RootReader(root)
    expect(await reader.text('/etc/outside')).toBe('host\n')
    expect(await reader.text('/etc/conf.d')).toBeNull()
    expect(await reader.text('/etc/conf.d')).toBeNull()
    expect(await reader.text('/nope')).toBeNull()
    expect(reader.unreadable).toEqual([
      {path: '/etc/conf.d', code: 'EISDIR', reason: 'is a directory, not a file (EISDIR)'},
    ])
  })
})

const why = await whyNoUnprivilegedRun()

describe('reading as an unprivileged user', () => {
  let root: string
  beforeAll(async () => {
    if (why) return
    root = await buildRoot({
      '/etc/hostname': 'host\n',
      '/etc/shadow': {content: 'root:*:1::::::\n', mode: 0o600},
      '/locked/file': 'x',
      '/locked': {dir: 0o000},
    })
    await openToOthers(root)
  })
  afterAll(() => (root ? removeRoot(root) : undefined))

  it.skipIf(skipReason(why !== null, `unprivileged reads: ${why}`))(
    'reports permission-denied reads as unreadable with EACCES, never as absent',
    async () => {
      const paths = ['/locked/file', '/locked', '/etc/shadow', '/etc/hostname', '/nope']
      const reads = await runScriptAsNobody<Record<string, unknown>>('test/helpers/fact-reads.child.ts', [
        root,
        ...paths,
      ])
      const denied = {state: 'unreadable', code: 'EACCES'}
      expect(reads['/locked/file']).toEqual({text: denied, stat: denied, list: denied})
      expect(reads['/locked']).toEqual({text: denied, stat: {state: 'present'}, list: denied})
      expect(reads['/etc/shadow']).toEqual({text: denied, stat: {state: 'present'}, list: {state: 'absent'}})
      expect(reads['/etc/hostname']).toEqual({
        text: {state: 'present'},
        stat: {state: 'present'},
        list: {state: 'absent'},
      })
      const absent = {state: 'absent'}
      expect(reads['/nope']).toEqual({text: absent, stat: absent, list: absent})
    },
  )
})
