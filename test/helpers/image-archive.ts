import {createHash} from 'node:crypto'
import {lstat, readdir, readFile, readlink} from 'node:fs/promises'
import {join, posix} from 'node:path'

import {Header, Pax} from 'tar'

/** One member of a tar the tests write: a file (data), a directory, a symlink or a hard link. */
export interface TarMember {
  path: string
  type?: 'File' | 'Directory' | 'SymbolicLink' | 'Link' | 'FIFO' | 'CharacterDevice'
  data?: Uint8Array | string
  mode?: number
  uid?: number
  gid?: number
  linkpath?: string
}

const BLOCK = 512
const MTIME = new Date('2026-01-01T00:00:00Z')

function block(header: Header): Buffer {
  const buffer = Buffer.alloc(BLOCK)
  header.encode(buffer, 0)
  return buffer
}

/** A tar archive of the members, in order (pax headers for long names), with its end blocks. */
export function tarOf(members: TarMember[]): Buffer {
  const parts: Buffer[] = []
  for (const member of members) {
    const data = Buffer.from(member.data ?? '')
    const type = member.type ?? 'File'
    const fields = {
      path: member.path,
      type,
      mode: member.mode ?? (type === 'Directory' ? 0o755 : 0o644),
      uid: member.uid ?? 0,
      gid: member.gid ?? 0,
      size: type === 'File' ? data.length : 0,
      mtime: MTIME,
      linkpath: member.linkpath,
      devmaj: type === 'CharacterDevice' ? 1 : 0,
      devmin: type === 'CharacterDevice' ? 3 : 0,
    }
    const header = new Header(fields)
    header.encode()
    if (header.needPax) {
      const pax = new Pax({path: member.path, linkpath: member.linkpath}).encode()
      parts.push(pax)
    }
    parts.push(block(header))
    if (fields.size > 0) parts.push(data, Buffer.alloc((BLOCK - (data.length % BLOCK)) % BLOCK))
  }
  parts.push(Buffer.alloc(BLOCK * 2))
  return Buffer.concat(parts)
}

/** The members of a directory tree as they are on disk (modes, owners, links), parents first. */
export async function membersOf(dir: string, prefix = ''): Promise<TarMember[]> {
  const out: TarMember[] = []
  for (const name of (await readdir(dir)).sort()) {
    const path = join(dir, name)
    const member = posix.join(prefix, name)
    const info = await lstat(path)
    const common = {path: member, mode: info.mode & 0o7777, uid: info.uid, gid: info.gid}
    if (info.isSymbolicLink()) out.push({...common, type: 'SymbolicLink', linkpath: await readlink(path)})
    else if (info.isDirectory()) {
      out.push({...common, type: 'Directory'})
      for (const child of await membersOf(path, member)) out.push(child)
    } else if (info.isFile()) out.push({...common, data: await readFile(path)})
  }
  return out
}

const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex')

export interface ImageSpec {
  /** Layer tars, bottom first. */
  layers: Buffer[]
  /** The image config's `config` object (User, Env, Entrypoint, Cmd, ExposedPorts). */
  config?: Record<string, unknown>
  tags?: string[]
}

function configOf(spec: ImageSpec): string {
  return JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    config: spec.config ?? {},
    rootfs: {type: 'layers', diff_ids: spec.layers.map((l) => `sha256:${sha256(l)}`)},
  })
}

/** A `docker save` archive (legacy layout: <id>/layer.tar, <digest>.json, manifest.json last). */
export function dockerArchive(spec: ImageSpec): {tar: Buffer; configDigest: string} {
  const config = configOf(spec)
  const digest = sha256(config)
  const members: TarMember[] = []
  const layerNames: string[] = []
  for (const layer of spec.layers) {
    const id = sha256(layer)
    members.push({path: `${id}/`, type: 'Directory'}, {path: `${id}/layer.tar`, data: layer})
    layerNames.push(`${id}/layer.tar`)
  }
  members.push({path: `${digest}.json`, data: config})
  const manifest = [{Config: `${digest}.json`, RepoTags: spec.tags ?? [], Layers: layerNames}]
  members.push({path: 'manifest.json', data: JSON.stringify(manifest)})
  return {tar: tarOf(members), configDigest: `sha256:${digest}`}
}

/** An OCI image layout as a tar (oci-layout, index.json, blobs/sha256/…); layers as given (gzip or not). */
export function ociArchive(spec: ImageSpec & {mediaType?: string}): {tar: Buffer; configDigest: string} {
  const config = configOf(spec)
  const blobs = new Map<string, Buffer | string>()
  blobs.set(sha256(config), config)
  for (const layer of spec.layers) blobs.set(sha256(layer), layer)
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: {mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${sha256(config)}`},
    layers: spec.layers.map((l) => ({
      mediaType: spec.mediaType ?? 'application/vnd.oci.image.layer.v1.tar',
      digest: `sha256:${sha256(l)}`,
    })),
  })
  blobs.set(sha256(manifest), manifest)
  const annotations = spec.tags?.length ? {'org.opencontainers.image.ref.name': spec.tags[0]} : {}
  const index = JSON.stringify({
    schemaVersion: 2,
    manifests: [
      {mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${sha256(manifest)}`, annotations},
    ],
  })
  const members: TarMember[] = [
    {path: 'blobs/', type: 'Directory'},
    {path: 'blobs/sha256/', type: 'Directory'},
  ]
  for (const [hex, data] of blobs) members.push({path: `blobs/sha256/${hex}`, data})
  members.push({path: 'oci-layout', data: '{"imageLayoutVersion":"1.0.0"}'}, {path: 'index.json', data: index})
  return {tar: tarOf(members), configDigest: `sha256:${sha256(config)}`}
}
