import {chmod, link, mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {defaultModelDirectories, detectFormat, findModelFiles} from '../../../src/hardware/index.js'
import {isRoot, skipReason} from '../../helpers/env.js'
import {buildGguf} from '../../helpers/model-builders.js'
import {buildRoot, PICKLE_BYTES, removeRoot, safetensorsBytes, type RootSpec} from '../../helpers/rootfs.js'

const GGUF = buildGguf({})

describe('detectFormat', () => {
  it('recognises llmsec-encrypted files by the crypto magic, others through the scan engine', () => {
    expect(detectFormat(Buffer.from(PICKLE_BYTES), PICKLE_BYTES.length)).toBe('pickle')
    expect(detectFormat(GGUF, GGUF.length)).toBe('gguf')
    expect(detectFormat(Buffer.from('LLMSEC\u001a\n\u0001'), 9)).toBe('llmsec-encrypted')
    expect(detectFormat(Buffer.from('LLMSEC\u0001'), 7)).toBe('unknown')
    expect(detectFormat(Buffer.from('hello world12345'), 16)).toBe('unknown')
  })
})

describe('findModelFiles in a root filesystem', () => {
  let root: string
  let outside: string
  beforeAll(async () => {
    // A real pickle outside the root: no link inside the image may lead the finder to it.
    outside = await mkdtemp(join(tmpdir(), 'llmsec-outside-'))
    await writeFile(join(outside, 'stolen.pkl'), PICKLE_BYTES)
    const chain: RootSpec = {}
    for (let i = 0; i < 44; i++) chain[`/srv/models/chain/l${i}`] = {link: `l${i + 1}`}
    chain['/srv/models/chain/l44'] = {link: join(outside, 'stolen.pkl')}
    root = await buildRoot({
      '/etc/passwd': 'root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\n',
      '/srv/models/weights.dat': GGUF,
      '/srv/models/model.safetensors': PICKLE_BYTES,
      '/srv/models/notes.safetensors': 'not a model at all, whatever the name says\n',
      '/srv/models/real.safetensors': safetensorsBytes(),
      '/srv/models/hf/blobs/abc123': PICKLE_BYTES,
      '/srv/models/hf/snapshots/main/pytorch_model.bin': {link: '../../blobs/abc123'},
      '/srv/models/hf/snapshots/main/again.bin': {link: '/srv/models/hf/blobs/abc123'},
      '/srv/models/escape-absolute.pkl': {link: join(outside, 'stolen.pkl')},
      '/srv/models/escape-relative.pkl': {link: `../../../../../../../..${outside}/stolen.pkl`},
      '/srv/models/escape-dir': {link: outside},
      '/home/alice/.ollama/models/blobs/sha256-1': GGUF,
      [`/srv/deep/${Array.from({length: 14}, (_, i) => `d${i}`).join('/')}/m.gguf`]: GGUF,
      ...chain,
    })
  })
  afterAll(async () => {
    await removeRoot(root)
    await rm(outside, {recursive: true, force: true})
  })

  const find = (directories: string[], homes: string[] = []) => findModelFiles({root, directories, homes})

  it('finds models by content, whatever their names, with paths inside the root', async () => {
    const section = await find(['/srv/models'])
    expect(section.files.map((f) => [f.path, f.format])).toEqual([
      ['/srv/models/hf/blobs/abc123', 'pickle'],
      ['/srv/models/model.safetensors', 'pickle'],
      ['/srv/models/real.safetensors', 'safetensors'],
      ['/srv/models/weights.dat', 'gguf'],
    ])
    expect(section.directories).toEqual([
      {path: '/srv/models', status: 'ok', uid: expect.any(Number), mode: expect.stringMatching(/^0[0-7]{3}$/)},
    ])
    expect(section.truncated).toBe(false)
  })

  it('follows file links inside the root once per file, and never out of it', async () => {
    const section = await find([
      '/srv/models/hf/snapshots',
      '/srv/models/escape-absolute.pkl',
      '/srv/models/escape-dir',
    ])
    expect(section.files.map((f) => f.path)).toEqual(['/srv/models/hf/snapshots/main/again.bin'])
    const all = await find(['/srv/models'])
    expect(all.files.some((f) => f.path.includes('escape') || f.path.includes('chain'))).toBe(false)
  })

  it('gives up on a chain of more than 40 links instead of letting the kernel follow the rest', async () => {
    const section = await find(['/srv/models/chain/l0'])
    expect(section.files).toEqual([])
    expect(section.directories[0]).toMatchObject({
      status: 'error',
      reason: expect.stringMatching(/too many symbolic links/),
    })
  })

  it('expands ~/ over the login homes and reports missing directories', async () => {
    const section = await find(['~/.ollama/models', '/nowhere'], ['/root', '/home/alice'])
    expect(section.files.map((f) => [f.path, f.format])).toEqual([
      ['/home/alice/.ollama/models/blobs/sha256-1', 'gguf'],
    ])
    expect(section.directories.map((d) => [d.path, d.status])).toEqual([
      ['/root/.ollama/models', 'missing'],
      ['/home/alice/.ollama/models', 'ok'],
      ['/nowhere', 'missing'],
    ])
  })

  it('marks the walk truncated when it stops at its depth limit', async () => {
    const section = await find(['/srv/deep'])
    expect(section.truncated).toBe(true)
    expect(section.files).toEqual([])
  })

  it('lists a hard-linked model once', async () => {
    await link(join(root, 'srv/models/weights.dat'), join(root, 'srv/models/hf/weights-copy.dat'))
    const section = await find(['/srv/models'])
    expect(section.files.filter((f) => f.format === 'gguf')).toHaveLength(1)
  })

  it('reports a directory it cannot read instead of calling it empty', async (context) => {
    if (skipReason(isRoot, 'running as root: permissions do not stop readdir')) return context.skip()
    const locked = join(root, 'srv/models/locked')
    await mkdir(locked)
    await chmod(locked, 0)
    try {
      const section = await find(['/srv/models'])
      expect(section.unreadable).toEqual([
        {path: '/srv/models/locked', reason: expect.stringMatching(/EACCES|permission/i)},
      ])
    } finally {
      await chmod(locked, 0o755)
    }
  })
})

describe('defaultModelDirectories', () => {
  it('is one list: the generic places and each runtime catalog entry own', () => {
    const dirs = defaultModelDirectories()
    expect(dirs).toContain('/srv/models')
    expect(dirs).toContain('~/.cache/huggingface/hub')
    expect(dirs).toContain('/usr/share/ollama/.ollama/models')
    expect(dirs).toContain('~/.lmstudio/models')
    expect(new Set(dirs).size).toBe(dirs.length)
  })
})
