import {createHash} from 'node:crypto'
import {createReadStream} from 'node:fs'
import {lstat, open, stat, type FileHandle} from 'node:fs/promises'
import {basename, join, posix} from 'node:path'
import {createGunzip} from 'node:zlib'

import {Header} from 'tar'

import {coreError} from '../core/errors.js'
import {errnoError} from '../core/fs.js'
import {registerVirtualRoot, releaseVirtualRoot} from '../core/root-fs.js'
import {imageError} from './errors.js'
import {FileRangeSource, StreamSource, walkTar, type TarEntry, type TarSource} from './tar-walk.js'
import {memberPath, VirtualRoot, type Content} from './virtual-root.js'
import {parseImageConfig, type ImageConfig} from './config.js'

/** How the image was stored. */
type ImageFormat = 'docker-archive' | 'oci-layout' | 'filesystem-tar'

/** What reports say of an image read with --image (the `image` object of their JSON). */
export interface ImageSummary {
  /** The image file or OCI layout directory. */
  file: string
  format: ImageFormat
  /** Repository tags (docker save) or reference names (OCI). */
  tags: string[]
  /** sha256 of the image config; null for a filesystem tar. */
  configDigest: string | null
  layers: number
}

/** An image's summary for reports. */
export function summarizeImage({file, format, tags, configDigest, layers}: OpenImage): ImageSummary {
  return {file, format, tags, configDigest, layers}
}

/** Opens an image, runs `work` on it, and closes it whatever happens. */
export async function withImage<T>(file: string, work: (image: OpenImage) => Promise<T>): Promise<T> {
  const image = await openImage(file)
  try {
    return await work(image)
  } finally {
    await image.close()
  }
}

/** An image opened as a virtual root: pass `root` wherever a `--root` directory goes. */
export interface OpenImage {
  /** The root name readers take (a virtual root; no file system call accepts it). */
  root: string
  /** The image file or OCI layout directory given. */
  file: string
  format: ImageFormat
  /** Repository tags (docker save) or reference names (OCI annotations). */
  tags: string[]
  /** sha256 of the image config, null for a filesystem tar (which has none). */
  configDigest: string | null
  /** The config's process settings (User, Env, ExposedPorts, Entrypoint, Cmd); null without one. */
  config: ImageConfig | null
  /** What reports name as the host: the first tag (else the file name) and the config digest. */
  name: string
  layers: number
  /** Closes the image file and forgets the virtual root. */
  close(): Promise<void>
}

/** Small files of compressed layers kept whole; of larger ones only the head (enough to detect a format). */
const KEEP_WHOLE_BYTES = 256 * 1024
const KEEP_HEAD_BYTES = 64 * 1024
/** Memory for kept bytes of compressed layers; past it only heads are kept. */
const KEEP_BUDGET_BYTES = 96 * 1024 * 1024
const MAX_JSON_BYTES = 8 * 1024 * 1024
const MAX_LAYERS = 256

/** A blob (a layer, a manifest, a config) of the image store. */
interface Blob {
  size: number
  read(max: number): Promise<Buffer>
  /** A tar source over the blob's bytes: read in place, or a gunzip stream for a gzip layer. */
  source(): Promise<TarSource>
}

interface Store {
  blob(name: string): Promise<Blob | undefined>
  close(): Promise<void>
}

const GZIP = Buffer.from([0x1f, 0x8b])
const ZSTD = Buffer.from([0x28, 0xb5, 0x2f, 0xfd])

function blobOf(handle: FileHandle, start: number, size: number, where: string): Blob {
  const read = async (max: number) => {
    const buffer = Buffer.alloc(Math.min(max, size))
    const {bytesRead} = await handle.read(buffer, 0, buffer.length, start)
    return buffer.subarray(0, bytesRead)
  }
  return {
    size,
    read,
    async source() {
      const head = await read(4)
      if (head.equals(ZSTD))
        throw imageError('IMAGE_UNSUPPORTED', `${where} is zstd-compressed; llmsec reads uncompressed and gzip layers.`)
      if (!head.subarray(0, 2).equals(GZIP)) return new FileRangeSource(handle, start, start + size)
      const stream = createReadStream('', {fd: handle.fd, start, end: start + size - 1, autoClose: false})
      return new StreamSource(stream.pipe(createGunzip()))
    },
  }
}

/** An image archive file: its members indexed by name (metadata only; bodies stay in the file). */
async function archiveStore(handle: FileHandle, size: number, file: string): Promise<Store> {
  const members = new Map<string, TarEntry>()
  await walkTar(new FileRangeSource(handle, 0, size), file, async (entry) => {
    const path = memberPath(entry.path)
    // Image stores keep blobs at most three levels down (blobs/sha256/<hex>, <id>/layer.tar).
    if (path.split('/').length <= 4) members.set(path, entry)
  })
  const resolve = (name: string): TarEntry | undefined => {
    let path = memberPath(name)
    for (let hops = 0; hops < 8; hops++) {
      const entry = members.get(path)
      if (entry?.type !== 'SymbolicLink' && entry?.type !== 'Link') return entry
      path = memberPath(entry.type === 'Link' ? entry.linkpath : posix.join(posix.dirname(path), entry.linkpath))
    }
    return undefined
  }
  return {
    async blob(name) {
      const entry = resolve(name)
      if (entry?.type !== 'File' && entry?.type !== 'OldFile') return undefined
      return blobOf(handle, entry.offset, entry.size, `${file}:${memberPath(entry.path)}`)
    },
    close: async () => handle.close(),
  }
}

/** An OCI layout directory: blobs are files under it (never a link out of it). */
function directoryStore(dir: string): Store {
  const handles: FileHandle[] = []
  return {
    async blob(name) {
      const path = join(dir, memberPath(name))
      const info = await lstat(path).catch(() => null)
      if (!info?.isFile()) return undefined
      const handle = await open(path, 'r')
      handles.push(handle)
      return blobOf(handle, 0, info.size, path)
    },
    close: async () => {
      for (const handle of handles) await handle.close()
    },
  }
}

async function readJson(
  store: Store,
  name: string,
  where: string,
): Promise<{json: unknown; bytes: Buffer} | undefined> {
  const blob = await store.blob(name)
  if (!blob) return undefined
  if (blob.size > MAX_JSON_BYTES) throw imageError('IMAGE_MALFORMED', `${where}: ${name} is larger than 8 MiB`)
  const bytes = await blob.read(MAX_JSON_BYTES)
  try {
    return {json: JSON.parse(bytes.toString('utf8')) as unknown, bytes}
  } catch {
    throw imageError('IMAGE_MALFORMED', `${where}: ${name} is not JSON`)
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []

/** What an image is made of: its layers (bottom first), config and names. */
interface Plan {
  format: ImageFormat
  layers: string[]
  config: string | null
  tags: string[]
}

/** docker save's manifest.json: one image (several need a choice llmsec does not offer). */
function dockerPlan(manifest: unknown, where: string): Plan {
  if (!Array.isArray(manifest) || manifest.length === 0 || !isRecord(manifest[0]))
    throw imageError('IMAGE_MALFORMED', `${where}: manifest.json lists no image`)
  if (manifest.length > 1)
    throw imageError(
      'IMAGE_UNSUPPORTED',
      `${where} holds ${manifest.length} images; save one image per archive (docker save IMAGE).`,
    )
  const [image] = manifest as Record<string, unknown>[]
  if (typeof image.Config !== 'string') throw imageError('IMAGE_MALFORMED', `${where}: manifest.json has no Config`)
  return {format: 'docker-archive', layers: strings(image.Layers), config: image.Config, tags: strings(image.RepoTags)}
}

const blobPath = (digest: unknown, where: string): string => {
  const match = typeof digest === 'string' ? /^([a-z0-9]+):([a-f0-9]{32,128})$/.exec(digest) : null
  if (!match) throw imageError('IMAGE_MALFORMED', `${where}: ${JSON.stringify(digest)} is not a blob digest`)
  return `blobs/${match[1]}/${match[2]}`
}

const GOARCH: Record<string, string> = {x64: 'amd64', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x'}

/** An OCI index: the manifest for this machine's architecture, else the only (or first linux) one. */
async function ociPlan(store: Store, index: unknown, where: string): Promise<Plan> {
  let node = index
  const tags: string[] = []
  for (let depth = 0; depth < 4; depth++) {
    if (!isRecord(node)) break
    if (Array.isArray(node.layers)) {
      const layers = node.layers.map((l) => blobPath(isRecord(l) ? l.digest : null, where))
      const config = isRecord(node.config) ? blobPath(node.config.digest, where) : null
      return {format: 'oci-layout', layers, config, tags}
    }
    const manifests = Array.isArray(node.manifests) ? node.manifests.filter(isRecord) : []
    const platform = (m: Record<string, unknown>) => (isRecord(m.platform) ? m.platform : {})
    const chosen =
      manifests.find((m) => platform(m).os === 'linux' && platform(m).architecture === GOARCH[process.arch]) ??
      manifests.find((m) => platform(m).os === 'linux') ??
      manifests[0]
    if (!chosen) break
    const annotations = isRecord(chosen.annotations) ? chosen.annotations : {}
    for (const key of ['io.containerd.image.name', 'org.opencontainers.image.ref.name'])
      if (typeof annotations[key] === 'string' && !tags.includes(annotations[key])) tags.push(annotations[key])
    node = (await readJson(store, blobPath(chosen.digest, where), where))?.json
  }
  throw imageError('IMAGE_MALFORMED', `${where}: index.json leads to no image manifest`)
}

/**
 * Reads members of a compressed layer again, for files whose head alone was kept. One stream is
 * kept open and read forward, so members asked for in layer order cost one pass over the layer;
 * asking for an earlier member starts a new pass.
 */
class LayerRereader {
  private stream: StreamSource | null = null

  constructor(
    private readonly blob: Blob,
    private readonly where: string,
  ) {}

  async read(offset: number, size: number): Promise<Buffer> {
    if (this.stream && this.stream.position > offset) await this.close()
    if (!this.stream) {
      const source = await this.blob.source()
      if (!(source instanceof StreamSource)) throw new Error(`${this.where} is not a compressed layer`)
      this.stream = source
    }
    await this.stream.skip(offset - this.stream.position)
    const data = await this.stream.read(size)
    if (data.length < size) throw errnoError('EPARTIAL', `${this.where} ends inside a member`)
    return data
  }

  async close(): Promise<void> {
    await this.stream?.close()
    this.stream = null
  }
}

/** Applies one layer to the virtual root, front to back. */
async function applyLayer(
  root: VirtualRoot,
  blob: Blob,
  layer: number,
  whiteouts: boolean,
  where: string,
  budget: {left: number},
  rereaders: LayerRereader[],
) {
  const source = await blob.source()
  const rereader = new LayerRereader(blob, where)
  rereaders.push(rereader)
  await walkTar(source, where, async (entry, readBody) => {
    let content: Content | null = null
    if (entry.type === 'File' || entry.type === 'OldFile' || entry.type === 'ContiguousFile') {
      if (source instanceof FileRangeSource) content = {at: 'file', handle: source.handle, offset: entry.offset}
      else {
        const keep = entry.size <= KEEP_WHOLE_BYTES && budget.left >= entry.size ? entry.size : KEEP_HEAD_BYTES
        const data = entry.size > 0 ? await readBody(keep) : Buffer.alloc(0)
        budget.left -= data.length
        const offset = entry.offset
        content =
          data.length < entry.size
            ? {at: 'memory', data, reread: async (size) => rereader.read(offset, size)}
            : {at: 'memory', data}
      }
    }
    root.apply(entry, layer, content, whiteouts)
  })
}

function imageName(plan: Plan, digest: string | null, file: string): string {
  const label = plan.tags[0] ?? basename(file)
  return digest ? `${label} (${digest})` : label
}

/** Whether a first block is a tar header (a checksum that holds); node-tar's throws count as no. */
function startsLikeTar(block: Buffer): boolean {
  try {
    return new Header(block).cksumValid
  } catch {
    return false
  }
}

/**
 * Opens a container image without extracting it: a `docker save` archive, an OCI image layout
 * (directory or tar) or a filesystem tar (`docker export`). Layers are applied in order with
 * their whiteouts into a virtual root whose modes, owners and links come from the tar headers;
 * uncompressed file bytes are read in place from the image file, nothing is written to disk.
 * The archive itself must be uncompressed (layers may be gzip).
 */
export async function openImage(file: string): Promise<OpenImage> {
  const info = await stat(file).catch(() => null)
  if (!info) throw coreError('INPUT_NOT_FOUND', `--image ${file} does not exist; pass a docker save or OCI archive.`)
  let store: Store
  let handle: FileHandle | null = null
  if (info.isDirectory()) store = directoryStore(file)
  else {
    handle = await open(file, 'r').catch((error: NodeJS.ErrnoException) => {
      throw coreError('INPUT_UNREADABLE', `--image ${file} cannot be read (${error.code ?? 'EIO'}).`)
    })
    const first = Buffer.alloc(512)
    const {bytesRead} = await handle.read(first, 0, 512, 0)
    const head = first.subarray(0, 4)
    if (head.subarray(0, 2).equals(GZIP) || head.equals(ZSTD)) {
      await handle.close()
      throw imageError(
        'IMAGE_UNSUPPORTED',
        `--image ${file} is compressed; decompress it first (llmsec reads the archive in place).`,
      )
    }
    if (bytesRead < 512 || !startsLikeTar(first)) {
      await handle.close()
      throw imageError(
        'IMAGE_MALFORMED',
        `--image ${file} is not a tar archive; give a docker save archive, an OCI image layout (directory or tar) or a docker export tar.`,
      )
    }
    store = await archiveStore(handle, info.size, file).catch(async (error: unknown) => {
      await handle!.close()
      throw error
    })
  }
  try {
    return await assemble(store, handle, file, info.size)
  } catch (error) {
    await store.close()
    throw error
  }
}

async function assemble(store: Store, handle: FileHandle | null, file: string, size: number): Promise<OpenImage> {
  const manifest = await readJson(store, 'manifest.json', file)
  const index = manifest ? undefined : await readJson(store, 'index.json', file)
  let plan: Plan
  if (manifest) plan = dockerPlan(manifest.json, file)
  else if (index) plan = await ociPlan(store, index.json, file)
  else if (handle) plan = {format: 'filesystem-tar', layers: [], config: null, tags: []}
  else throw imageError('IMAGE_MALFORMED', `${file} is a directory without index.json; pass an OCI image layout.`)
  if (plan.layers.length > MAX_LAYERS)
    throw imageError('IMAGE_UNSUPPORTED', `${file} has more than ${MAX_LAYERS} layers`)
  const configRead = plan.config ? await readJson(store, plan.config, file) : undefined
  if (plan.config && !configRead) throw imageError('IMAGE_MALFORMED', `${file}: the config ${plan.config} is missing`)
  const configDigest = configRead ? `sha256:${createHash('sha256').update(configRead.bytes).digest('hex')}` : null
  const config = configRead ? parseImageConfig(configRead.json) : null
  const root = new VirtualRoot()
  const budget = {left: KEEP_BUDGET_BYTES}
  const rereaders: LayerRereader[] = []
  if (plan.format === 'filesystem-tar')
    await applyLayer(root, blobOf(handle!, 0, size, file), 0, false, file, budget, rereaders)
  for (const [i, name] of plan.layers.entries()) {
    const blob = await store.blob(name)
    if (!blob) throw imageError('IMAGE_MALFORMED', `${file}: layer ${name} is missing`)
    await applyLayer(root, blob, i + 1, true, `${file}:${name}`, budget, rereaders)
  }
  const name = imageName(plan, configDigest, file)
  const rootName = registerVirtualRoot(root, name)
  return {
    root: rootName,
    file,
    format: plan.format,
    tags: plan.tags,
    configDigest,
    config,
    name,
    layers: Math.max(1, plan.layers.length),
    close: async () => {
      releaseVirtualRoot(rootName)
      for (const rereader of rereaders) await rereader.close()
      await store.close()
    },
  }
}
