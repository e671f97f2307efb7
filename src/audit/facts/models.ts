import {constants} from 'node:fs'
import {open} from 'node:fs/promises'
import {extname, posix} from 'node:path'

import type {FactProvider} from './cache.js'
import type {ModelFile, ModelFormat, ModelsFact} from './fact-map.js'
import {listDirIn, lstatIn, resolveInRoot} from './rootfs.js'

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
 * Detects a model format from the first bytes (and, for zip files, the central directory at
 * the end): pickle protocol 2–5 starts 0x80 0x02..0x05; PyTorch's zip format holds data.pkl.
 */
export function detectFormat(name: string, head: Buffer, tail: Buffer): ModelFormat {
  const ext = extname(name).toLowerCase()
  if (head.subarray(0, 4).toString('latin1') === 'GGUF') return 'gguf'
  if (head.subarray(0, 6).toString('latin1') === 'LLMSEC' || ext === '.llmsec') return 'llmsec-encrypted'
  if (head.length >= 9 && head.readBigUInt64LE(0) < 100_000_000n && head[8] === 0x7b) return 'safetensors'
  if (head[0] === 0x80 && head[1] >= 2 && head[1] <= 5) return 'pickle'
  if (head.subarray(0, 4).toString('latin1') === 'PK\u0003\u0004' && /\.pkl/.test(tail.toString('latin1')))
    return 'pytorch-zip'
  if (ext === '.onnx') return 'onnx'
  // Pickle protocols 0/1 have no magic; an extension that only pickles use is enough evidence.
  if ((ext === '.pkl' || ext === '.pickle') && /^[(\]}cl]/.test(head.subarray(0, 1).toString('latin1'))) return 'pickle'
  return 'other'
}

async function inspectFile(root: string, path: string): Promise<ModelFile | null> {
  const real = await resolveInRoot(root, path)
  const info = await lstatIn(root, path)
  if (!info?.isFile()) return null
  try {
    const head = await readBytes(real, 16, 0)
    const tail = head[0] === 0x50 ? await readBytes(real, 65_536, info.size - 65_536) : Buffer.alloc(0)
    return {path, format: detectFormat(path, head, tail), size: info.size, mode: info.mode, uid: info.uid}
  } catch {
    return null
  }
}

async function walk(root: string, dir: string, depth: number, out: ModelsFact, budget: {left: number}) {
  for (const name of await listDirIn(root, dir)) {
    if (budget.left-- <= 0) {
      out.truncated = true
      return
    }
    const path = posix.join(dir, name)
    const info = await lstatIn(root, path)
    if (info?.isDirectory() && depth < MAX_DEPTH) await walk(root, path, depth + 1, out, budget)
    else if (info?.isFile() && (MODEL_EXTENSIONS.has(extname(name).toLowerCase()) || /^sha256[-:]/.test(name))) {
      const file = await inspectFile(root, path)
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
    const {homes} = await facts.get('users')
    const dirs = [...new Set([...DEFAULT_MODEL_DIRS, ...env.modelPaths].flatMap((d) => expandHome(d, homes)))]
    const out: ModelsFact = {dirs: [], files: [], truncated: false}
    const budget = {left: MAX_ENTRIES}
    for (const dir of dirs) {
      const info = await lstatIn(env.root, dir)
      if (!info?.isDirectory()) continue
      out.dirs.push({path: dir, mode: info.mode, uid: info.uid})
      await walk(env.root, dir, 0, out, budget)
    }
    return out
  },
}
