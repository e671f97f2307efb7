import {constants} from 'node:fs'
import {open} from 'node:fs/promises'
import {extname, posix} from 'node:path'

import {hasMagic} from '../../crypto/index.js'
import {detectModelFormat, DETECT_HEAD_BYTES} from '../../scan/index.js'
import type {FactProvider} from './cache.js'
import type {ModelFile, ModelFormat, ModelsFact} from './fact-map.js'
import {classifyReadError, resolveInRoot, RootReader} from './rootfs.js'

/** Where runtimes keep models by default; `~` is every home directory. */
export const DEFAULT_MODEL_DIRS = [
  '/srv/models',
  '/opt/models',
  '/models',
  '/var/lib/models',
  '/var/lib/ollama',
  '/usr/share/ollama/.ollama/models',
  '~/.ollama/models',
  '~/.cache/huggingface/hub',
  '~/models',
]

const MODEL_EXTENSIONS = new Set([
  '.pt',
  '.pth',
  '.bin',
  '.ckpt',
  '.pkl',
  '.pickle',
  '.joblib',
  '.safetensors',
  '.gguf',
  '.onnx',
  '.llmsec',
])
const MAX_ENTRIES = 50_000
const MAX_DEPTH = 8

async function readBytes(path: string, length: number, position: number): Promise<Buffer> {
  const handle = await open(path, constants.O_RDONLY)
  try {
    const buffer = Buffer.alloc(length)
    const {bytesRead} = await handle.read(buffer, 0, length, Math.max(0, position))
    return buffer.subarray(0, bytesRead)
  } finally {
    await handle.close()
  }
}

/**
 * A model file's format: llmsec's encrypted container by its magic (the crypto engine's), else the
 * scan engine's content-based detection (src/scan), never by extension alone.
 */
export function detectFormat(name: string, head: Buffer, size: number): ModelFormat {
  if (hasMagic(head)) return 'llmsec-encrypted'
  return detectModelFormat(head, size)
}

async function inspectFile(reader: RootReader, path: string): Promise<ModelFile | null> {
  const real = await resolveInRoot(reader.root, path)
  const info = await reader.lstat(path)
  if (!info?.isFile()) return null
  try {
    const head = await readBytes(real, DETECT_HEAD_BYTES, 0)
    return {path, format: detectFormat(path, head, info.size), size: info.size, mode: info.mode, uid: info.uid}
  } catch (error) {
    reader.keep(classifyReadError(path, error))
    return null
  }
}

async function walk(reader: RootReader, dir: string, depth: number, out: ModelsFact, budget: {left: number}) {
  for (const name of await reader.list(dir)) {
    if (budget.left-- <= 0) {
      out.truncated = true
      return
    }
    const path = posix.join(dir, name)
    const info = await reader.lstat(path)
    if (info?.isDirectory() && depth < MAX_DEPTH) await walk(reader, path, depth + 1, out, budget)
    else if (info?.isFile() && (MODEL_EXTENSIONS.has(extname(name).toLowerCase()) || /^sha256[-:]/.test(name))) {
      const file = await inspectFile(reader, path)
      if (file) out.files.push(file)
    }
  }
}

/** Expands `~/x` into x under every home directory. */
export function expandHome(path: string, homes: string[]): string[] {
  return path.startsWith('~/') ? homes.map((h) => posix.join(h, path.slice(2))) : [path]
}

/** Model files under the usual model directories (own detector until the `scan` engine lands). */
export const modelsProvider: FactProvider<'models'> = {
  id: 'models',
  async gather(env, facts) {
    const reader = new RootReader(env.root)
    const {homes, unreadable} = await facts.get('users')
    reader.note(...unreadable)
    const dirs = [...new Set([...DEFAULT_MODEL_DIRS, ...env.modelPaths].flatMap((d) => expandHome(d, homes)))]
    const out: ModelsFact = {dirs: [], files: [], truncated: false, unreadable: reader.unreadable}
    const budget = {left: MAX_ENTRIES}
    for (const dir of dirs) {
      const info = await reader.lstat(dir)
      if (!info?.isDirectory()) continue
      out.dirs.push({path: dir, mode: info.mode, uid: info.uid})
      await walk(reader, dir, 0, out, budget)
    }
    return out
  },
}
