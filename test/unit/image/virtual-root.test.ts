import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {gzipSync} from 'node:zlib'

import fc from 'fast-check'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {rootFsOf} from '../../../src/core/root-fs.js'
import {LlmsecError} from '../../../src/core/errors.js'
import {openImage, type OpenImage} from '../../../src/image/index.js'
import {readTextIn, statIn} from '../../../src/audit/facts/index.js'
import {dockerArchive, ociArchive, tarOf, type TarMember} from '../../helpers/image-archive.js'

let dir: string
let count = 0
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'llmsec-vroot-'))
})
afterAll(() => rm(dir, {recursive: true, force: true}))

async function imageOf(tar: Buffer): Promise<OpenImage> {
  const file = join(dir, `image-${++count}.tar`)
  await writeFile(file, tar)
  return openImage(file)
}

const errno = async (work: Promise<unknown>) =>
  work.then(
    () => 'ok',
    (e: NodeJS.ErrnoException) => e.code,
  )

describe('virtual root of a layered image', () => {
  const lower: TarMember[] = [
    {path: 'etc/', type: 'Directory'},
    {path: 'etc/keep', data: 'kept\n'},
    {path: 'etc/gone', data: 'deleted by a whiteout\n'},
    {path: 'opt/app/', type: 'Directory'},
    {path: 'opt/app/lower.txt', data: 'hidden by an opaque whiteout\n'},
    {path: 'usr/lib/', type: 'Directory'},
    {path: 'lib', type: 'SymbolicLink', linkpath: 'usr/lib'},
    {path: 'usr/lib/real.so', data: 'library\n', mode: 0o4755, uid: 0},
  ]
  const upper: TarMember[] = [
    {path: 'opt/app/upper.txt', data: 'this layer\n'},
    // The opaque marker after a sibling of the same layer: the sibling stays.
    {path: 'opt/app/.wh..wh..opq'},
    {path: 'etc/.wh.gone'},
    {path: 'etc/hardlink', type: 'Link', linkpath: 'etc/keep'},
    {path: 'etc/escape', type: 'SymbolicLink', linkpath: '../../../../etc/keep'},
    {path: 'etc/absolute', type: 'SymbolicLink', linkpath: '/usr/lib/real.so'},
    {path: 'etc/loop-a', type: 'SymbolicLink', linkpath: 'loop-b'},
    {path: 'etc/loop-b', type: 'SymbolicLink', linkpath: 'loop-a'},
    {path: '../../outside.txt', data: 'a traversing name stays inside the root\n'},
    {path: 'lib/via-link.so', data: 'written through the lib link\n'},
    {path: 'etc/fifo', type: 'FIFO'},
    {path: 'dev/', type: 'Directory'},
    {path: 'dev/null', type: 'CharacterDevice', mode: 0o666},
    {path: 'etc/masked', type: 'SymbolicLink', linkpath: '/dev/null'},
  ]
  let image: OpenImage
  beforeAll(async () => {
    image = await imageOf(dockerArchive({layers: [tarOf(lower), tarOf(upper)], tags: ['t:1']}).tar)
  })
  afterAll(() => image.close())

  it('applies whiteouts and opaque directories to the lower layers only', async () => {
    const fs = rootFsOf(image.root)
    expect(await errno(fs.stat('/etc/gone'))).toBe('ENOENT')
    expect(await errno(fs.stat('/opt/app/lower.txt'))).toBe('ENOENT')
    expect((await fs.readdir('/opt/app')).map((e) => e.name)).toEqual(['upper.txt'])
    expect((await fs.read('/etc/keep', 100)).data.toString()).toBe('kept\n')
  })

  it('takes modes and owners from the headers, and resolves links inside the root', async () => {
    const fs = rootFsOf(image.root)
    const lib = await fs.stat('/lib/real.so')
    expect(lib.mode & 0o7777).toBe(0o4755)
    expect(lib.isFile()).toBe(true)
    expect((await fs.lstat('/lib')).isSymbolicLink()).toBe(true)
    expect((await fs.read('/etc/escape', 100)).data.toString()).toBe('kept\n')
    expect((await fs.read('/etc/absolute', 100)).data.toString()).toBe('library\n')
    expect((await fs.read('/outside.txt', 100)).data.toString()).toContain('inside the root')
    expect((await fs.read('/usr/lib/via-link.so', 100)).data.toString()).toContain('lib link')
    const [keep, hard] = [await fs.stat('/etc/keep'), await fs.stat('/etc/hardlink')]
    expect(hard.ino).toBe(keep.ino)
    expect(hard.nlink).toBe(2)
  })

  it('answers loops, special files and host paths with errors the readers classify as unreadable', async () => {
    const fs = rootFsOf(image.root)
    expect(await errno(fs.read('/etc/loop-a', 10))).toBe('ELOOP')
    expect(await errno(fs.read('/etc/fifo', 10))).toBe('EFTYPE')
    expect(await errno(fs.read('/etc', 10))).toBe('EISDIR')
    expect(await errno(fs.hostPath('/etc/keep'))).toBe('ENOTLOCAL')
    expect((await readTextIn(image.root, '/etc/loop-a')).state).toBe('unreadable')
    // systemd's masking: a link to /dev/null reads as empty.
    expect(await readTextIn(image.root, '/etc/masked')).toMatchObject({state: 'present', value: ''})
    expect((await statIn(image.root, '/etc/gone')).state).toBe('absent')
  })

  it('never lets a reader that bypasses the RootFs reach this machine', async () => {
    const {readFile} = await import('node:fs/promises')
    await expect(readFile(join(image.root, 'etc/keep'))).rejects.toMatchObject({code: 'ERR_INVALID_ARG_VALUE'})
  })
})

describe('image formats', () => {
  const members: TarMember[] = [
    {path: 'etc/', type: 'Directory'},
    {path: 'etc/hostname', data: 'box\n'},
  ]
  const big = 'x'.repeat(300 * 1024)

  it('reads a filesystem tar (docker export) without whiteout semantics', async () => {
    const image = await imageOf(tarOf([...members, {path: 'etc/.wh.hostname', data: 'an ordinary file here'}]))
    try {
      expect(image.format).toBe('filesystem-tar')
      expect(image.configDigest).toBeNull()
      expect((await rootFsOf(image.root).read('/etc/hostname', 10)).data.toString()).toBe('box\n')
    } finally {
      await image.close()
    }
  })

  it('keeps small files of gzip layers whole and the head of large ones; the rest is read again from the layer', async () => {
    const layer = gzipSync(tarOf([...members, {path: 'etc/big.conf', data: big}, {path: 'etc/after', data: 'z'}]))
    const image = await imageOf(ociArchive({layers: [layer]}).tar)
    try {
      const fs = rootFsOf(image.root)
      expect((await fs.read('/etc/hostname', 100)).data.toString()).toBe('box\n')
      expect((await fs.read('/etc/big.conf', 1024)).data.length).toBe(1024)
      expect((await fs.read('/etc/big.conf', 1024 * 1024)).data.toString()).toBe(big)
      expect((await readTextIn(image.root, '/etc/big.conf')).state).toBe('present')
      // A scanner gets the bytes, held in memory only up to its bound; past it the file is unreadable.
      const located = await fs.locate!('/etc/big.conf', big.length)
      expect('data' in located && Buffer.from(located.data).toString()).toBe(big)
      expect(await errno(fs.locate!('/etc/big.conf', big.length - 1))).toBe('EPARTIAL')
      // Read again out of layer order (a new pass over the layer), then in order.
      expect((await fs.read('/etc/big.conf', 10)).data.toString()).toBe('xxxxxxxxxx')
    } finally {
      await image.close()
    }
  })

  it('locates a member of an uncompressed layer as a range of the image file, read in place', async () => {
    const image = await imageOf(dockerArchive({layers: [tarOf([...members, {path: 'etc/big.conf', data: big}])]}).tar)
    try {
      const located = await rootFsOf(image.root).locate!('/etc/big.conf', 1)
      expect(located).toMatchObject({size: big.length})
      if (!('fd' in located)) throw new Error('expected a range of the image file')
      const {readSync} = await import('node:fs')
      const head = Buffer.alloc(4)
      readSync(located.fd, head, 0, 4, located.offset)
      expect(head.toString()).toBe('xxxx')
    } finally {
      await image.close()
    }
  })

  it('refuses a truncated archive and a layer the manifest names but the archive lacks', async () => {
    const whole = dockerArchive({layers: [tarOf(members)]}).tar
    await expect(imageOf(whole.subarray(0, 1000))).rejects.toMatchObject({code: 'IMAGE_MALFORMED'})
    const missing = tarOf([
      {path: 'manifest.json', data: JSON.stringify([{Config: 'c.json', Layers: ['x/layer.tar']}])},
    ])
    await expect(imageOf(missing)).rejects.toMatchObject({code: 'IMAGE_MALFORMED'})
  })

  it('never throws anything but an image error on damaged archives (bounded parser)', async () => {
    const whole = dockerArchive({layers: [tarOf(members)]}).tar
    await fc.assert(
      fc.asyncProperty(fc.nat(whole.length - 1), fc.integer({min: 0, max: 255}), async (at, value) => {
        const damaged = Buffer.from(whole)
        damaged[at] = value
        try {
          await (await imageOf(damaged)).close()
        } catch (error) {
          expect(error).toBeInstanceOf(LlmsecError)
        }
      }),
      {numRuns: 400},
    )
  })
})
