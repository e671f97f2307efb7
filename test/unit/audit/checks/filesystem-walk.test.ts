import {mkdtemp, rm, writeFile, chmod} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {check} from '../../../../src/audit/checks/filesystem-walk.js'
import {fileWalk, type FileWalk} from '../../../../src/audit/facts/index.js'
import {evaluateCheck} from '../../../../src/audit/run-check.js'
import type {Check} from '../../../../src/audit/check.js'
import {parseMountTypes} from '../../../../src/audit/facts/mounts.js'
import {registerVirtualRoot, releaseVirtualRoot, rootFsOf, type RootFs} from '../../../../src/core/root-fs.js'
import {openImage} from '../../../../src/image/index.js'
import {checkTester, expectOutcome} from '../../../helpers/check-tester.js'
import {createTestFacts} from '../../../helpers/check-context.js'
import {isRoot} from '../../../helpers/env.js'
import {tarOf} from '../../../helpers/image-archive.js'
import {buildRoot, removeRoot, type RootSpec} from '../../../helpers/rootfs.js'

const ACCOUNTS: RootSpec = {
  '/etc/passwd': 'root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\n',
  '/etc/group': 'root:x:0:\nalice:x:1000:\n',
}
const WW = {find: 'world-writable-files'} as const
const OPEN = {find: 'open-directories'} as const
const UNOWNED = {find: 'unowned'} as const

let outside: string
beforeAll(async () => {
  // A world-writable file and directory outside every crafted root: a link to them must not be followed.
  outside = await mkdtemp(join(tmpdir(), 'llmsec-walk-outside-'))
  await writeFile(join(outside, 'open.txt'), 'x')
  await chmod(join(outside, 'open.txt'), 0o666)
  await chmod(outside, 0o777)
})
afterAll(async () => rm(outside, {recursive: true, force: true}))

checkTester.run(check, {
  valid: [
    {name: 'the 0644 twin of a world-writable file', walk: true, params: WW, files: {'/srv/data.txt': 'x'}},
    {
      name: 'a world-writable directory with the sticky bit',
      walk: true,
      params: OPEN,
      files: {'/srv/shared': {dir: 0o1777}},
      includes: [/, 1 others may write with the sticky bit /],
    },
    {
      name: 'a file owned by an account of the root',
      walk: true,
      params: UNOWNED,
      files: {...ACCOUNTS, '/home/alice/notes': {content: 'x', uid: 1000, gid: 1000}},
    },
    {
      name: 'world-writable files under /proc, /sys, /dev and /run are not walked',
      walk: true,
      params: WW,
      files: {
        '/proc/1/x': {content: 'x', mode: 0o666},
        '/sys/x': {content: 'x', mode: 0o666},
        '/dev/shm/x': {content: 'x', mode: 0o666},
        '/run/x': {content: 'x', mode: 0o666},
      },
    },
  ],
  invalid: [
    {
      name: 'a world-writable file',
      status: 'fail',
      walk: true,
      params: WW,
      files: {'/srv/data.txt': {content: 'x', mode: 0o666}, '/etc/ok': 'x'},
      evidence: ['1 world-writable regular files; the first 1:', '/srv/data.txt (0666)', /^\d+ entries walked/],
      location: '/srv/data.txt',
    },
    {
      name: 'a world-writable directory without the sticky bit',
      status: 'fail',
      walk: true,
      params: OPEN,
      files: {'/srv/shared': {dir: 0o777}},
      includes: ['/srv/shared (0777)'],
    },
    {
      name: "a file of uid 4242, which the root's passwd does not list",
      status: 'fail',
      walk: true,
      params: UNOWNED,
      files: {...ACCOUNTS, '/srv/left-over': {content: 'x', uid: 4242, gid: 1000}},
      includes: ['/srv/left-over (uid 4242)'],
    },
    {
      name: "a directory of gid 4343, which the root's group does not list",
      status: 'fail',
      walk: true,
      params: UNOWNED,
      files: {...ACCOUNTS, '/srv/old': {dir: 0o755, gid: 4343}},
      includes: ['/srv/old (gid 4343)'],
    },
    {
      name: 'without --walk: not applicable (no credit)',
      status: 'not-applicable',
      params: WW,
      files: {'/srv/data.txt': {content: 'x', mode: 0o666}},
      reason: /only with --walk/,
    },
    {
      name: 'the entry budget is exhausted: an error, never a pass on the part walked',
      status: 'error',
      walk: true,
      params: {...WW, maxEntries: 3},
      files: {'/a/1': 'x', '/b/2': 'x', '/c/3': 'x'},
      reason: /more than 3 entries; not every file was looked at/,
    },
  ],
  invalidParams: [{}, {find: 'setuid'}, {find: 'unowned', maxEntries: 0}, {find: 'unowned', other: 1}],
})

describe.skipIf(!isRoot)('filesystem-walk (as root: real chown)', () => {
  it('gives the count and only the first 20 paths, in name order, with a chmod per listed path', async () => {
    const files: RootSpec = {}
    for (let i = 0; i < 25; i++) files[`/srv/f${String(i).padStart(2, '0')}`] = {content: 'x', mode: 0o666}
    const out = await run(files, WW)
    expect(out.status).toBe('fail')
    expect(out.evidence[0]).toBe('25 world-writable regular files; the first 20:')
    expect(out.evidence.slice(1, 21)).toEqual(
      Array.from({length: 20}, (_, i) => `/srv/f${String(i).padStart(2, '0')} (0666)`),
    )
    expect(out.fix?.edits).toHaveLength(20)
    expect(out.fix?.edits[0]).toEqual({op: 'chmod', path: '/srv/f00', mode: 'o-w'})
    expect(out.fix?.steps.join(' ')).toMatch(/5 more are not listed/)
  })
})

async function run(files: RootSpec, params: Record<string, unknown>, walk = true) {
  const root = await buildRoot(files)
  try {
    const facts = createTestFacts({root, live: false, walk})
    return await evaluateCheck(check as unknown as Check, facts, {params, timeoutMs: 15_000})
  } finally {
    await removeRoot(root)
  }
}

describe('filesystem-walk: links and budgets', () => {
  it('does not follow a link to a world-writable file or directory outside the root', async () => {
    const files: RootSpec = {
      '/srv/open.txt': {link: join(outside, 'open.txt')},
      '/srv/open-dir': {link: outside},
      '/srv/rel': {link: '../../../../../../../../' + outside.slice(1)},
    }
    for (const params of [WW, OPEN]) {
      const out = await run(files, params)
      expect(out.status, JSON.stringify(out)).toBe('pass')
      expect(JSON.stringify(out)).not.toContain('open')
    }
  })

  it('stops at its time budget with an error', async () => {
    const files: RootSpec = {}
    for (let i = 0; i < 300; i++) files[`/d${i}/x`] = 'x'
    const out = await run(files, {...WW, maxMs: 1})
    expect(out.status, JSON.stringify(out)).toBe('error')
    expect(out.reason).toMatch(/the walk stopped after 1 ms/)
  })

  it('shares one walk between the three rules of a run', async () => {
    const root = await buildRoot({...ACCOUNTS, '/srv/a': {content: 'x', mode: 0o666}, '/srv/b': {dir: 0o777}})
    try {
      const facts = createTestFacts({root, live: false, walk: true})
      const fs = rootFsOf(root)
      let listed = 0
      const original = fs.listStats.bind(fs)
      fs.listStats = async (path, max) => {
        listed++
        return original(path, max)
      }
      try {
        const outs = await Promise.all(
          [WW, OPEN, UNOWNED].map((params) =>
            evaluateCheck(check as unknown as Check, facts, {params, timeoutMs: 15_000}),
          ),
        )
        expect(outs.map((o) => o.status)).toEqual(['fail', 'fail', 'pass'])
        // /, /etc, /srv and /srv/b: each directory listed once for the three rules.
        expect(listed).toBe(4)
      } finally {
        fs.listStats = original
      }
    } finally {
      await removeRoot(root)
    }
  })
})

/** A root whose /locked directory cannot be listed (what a non-root walk meets). */
function lockedRoot(): {root: string; release: () => void} {
  const files = new Map<string, {mode: number; dir: boolean}>([
    ['/', {mode: 0o755, dir: true}],
    ['/locked', {mode: 0o700, dir: true}],
    ['/srv', {mode: 0o755, dir: true}],
  ])
  const stats = (path: string) => {
    const f = files.get(path)!
    return {
      mode: (f.dir ? 0o040000 : 0o100000) | f.mode,
      uid: 0,
      gid: 0,
      isFile: () => !f.dir,
      isDirectory: () => f.dir,
    }
  }
  const fs = {
    lstat: async (path: string) => stats(path),
    listStats: async (path: string) => {
      if (path === '/locked') throw Object.assign(new Error('denied'), {code: 'EACCES'})
      return path === '/' ? ['locked', 'srv'].map((name) => ({name, stats: stats(`/${name}`)})) : []
    },
    read: async () => {
      throw Object.assign(new Error('absent'), {code: 'ENOENT'})
    },
    readdir: async () => {
      throw Object.assign(new Error('absent'), {code: 'ENOENT'})
    },
  } as unknown as RootFs
  const root = registerVirtualRoot(fs, 'locked')
  return {root, release: () => releaseVirtualRoot(root)}
}

describe('filesystem-walk: an unreadable directory', () => {
  it('is an error for every finding, never a pass', async () => {
    const {root, release} = lockedRoot()
    try {
      const facts = createTestFacts({root, live: false, walk: true})
      for (const params of [WW, OPEN, UNOWNED]) {
        const out = await evaluateCheck(check as unknown as Check, facts, {params, timeoutMs: 15_000})
        expectOutcome(out, 'error', {name: 'locked', reason: /cannot read \/locked: permission denied/})
      }
    } finally {
      release()
    }
  })
})

describe('filesystem-walk on an image (--image)', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'llmsec-walk-image-'))
  })
  afterAll(async () => rm(dir, {recursive: true, force: true}))

  it('walks the virtual root: modes and owners from the tar headers, links not followed', async () => {
    const file = join(dir, 'fs.tar')
    await writeFile(
      file,
      tarOf([
        {path: 'etc/', type: 'Directory'},
        {path: 'etc/passwd', data: 'root:x:0:0::/root:/bin/sh\n'},
        {path: 'etc/group', data: 'root:x:0:\n'},
        {path: 'srv/', type: 'Directory'},
        {path: 'srv/open', data: 'x', mode: 0o666},
        {path: 'srv/shared/', type: 'Directory', mode: 0o777},
        {path: 'srv/orphan', data: 'x', uid: 4242},
        {path: 'srv/link', type: 'SymbolicLink', linkpath: '/srv/open'},
        {path: 'tmp/', type: 'Directory', mode: 0o1777},
      ]),
    )
    const image = await openImage(file)
    try {
      const facts = createTestFacts({root: image.root, live: false, walk: true})
      const outs: Record<string, string[]> = {}
      for (const params of [WW, OPEN, UNOWNED]) {
        const out = await evaluateCheck(check as unknown as Check, facts, {params, timeoutMs: 15_000})
        expect(out.status, JSON.stringify(out)).toBe('fail')
        outs[params.find] = out.evidence
      }
      expect(outs['world-writable-files'].slice(0, 2)).toEqual([
        '1 world-writable regular files; the first 1:',
        '/srv/open (0666)',
      ])
      expect(outs['open-directories'][1]).toBe('/srv/shared (0777)')
      expect(outs.unowned[1]).toBe('/srv/orphan (uid 4242)')
      const walk: FileWalk = await fileWalk(facts, {maxEntries: 2_000_000, maxMs: 600_000})
      expect(walk.stickyDirectories).toBe(1)
    } finally {
      await image.close()
    }
  })
})

describe('parseMountTypes', () => {
  it('reads the type after the separator, past optional fields and escaped blanks', () => {
    const text = [
      '22 27 0:21 / /proc rw,relatime shared:5 - proc proc rw',
      '30 27 0:40 / /mnt/my\\040share rw - nfs4 host:/x rw',
      '31 27 8:1 / / rw,relatime - ext4 /dev/vda rw',
      'garbage',
    ].join('\n')
    expect([...parseMountTypes(text)]).toEqual([
      ['/proc', 'proc'],
      ['/mnt/my share', 'nfs4'],
      ['/', 'ext4'],
    ])
  })
})
