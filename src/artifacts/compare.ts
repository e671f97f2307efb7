import type {Mismatch, ModelFile, ResourceDescriptor} from './artifacts.types.js'
import {compareNames} from './paths.js'

/** The file a resource describes: its name, minus a shard's ":start:end" suffix. */
export function fileOfResource(name: string, shards: boolean): string {
  if (!shards) return name
  const match = /^(.*):(\d+):(\d+)$/.exec(name)
  return match ? match[1] : name
}

function groupByFile(resources: ResourceDescriptor[], shards: boolean): Map<string, Map<string, string>> {
  const groups = new Map<string, Map<string, string>>()
  for (const resource of resources) {
    const file = fileOfResource(resource.name, shards)
    let pieces = groups.get(file)
    if (!pieces) groups.set(file, (pieces = new Map()))
    pieces.set(resource.name, resource.digest)
  }
  return groups
}

function describeDifference(expected: Map<string, string>, actual: Map<string, string>): string | undefined {
  if (expected.size === 1 && actual.size === 1) {
    const [want] = expected.values()
    const [got] = actual.values()
    return want === got ? undefined : `digest ${got.slice(0, 16)}… differs from the signed ${want.slice(0, 16)}…`
  }
  for (const [name, digest] of expected) if (actual.get(name) !== digest) return `shard ${name} differs`
  for (const name of actual.keys()) if (!expected.has(name)) return `shard ${name} was not signed (size changed)`
  return undefined
}

export interface CompareInput {
  signed: ResourceDescriptor[]
  /** Local digests of the files that the manifest names. */
  local: ResourceDescriptor[]
  /** Every file found on disk (after ignore rules). */
  files: ModelFile[]
  shards: boolean
  ignoreUnsignedFiles: boolean
}

/** Lists every difference between the signed manifest and the files on disk. */
export function compareManifest(input: CompareInput): Mismatch[] {
  const expected = groupByFile(input.signed, input.shards)
  const actual = groupByFile(input.local, input.shards)
  const onDisk = new Set(input.files.map((file) => file.name))
  const mismatches: Mismatch[] = []
  for (const [file, pieces] of expected) {
    if (!onDisk.has(file)) {
      mismatches.push({path: file, reason: 'missing', detail: 'signed file is not in the model'})
      continue
    }
    const detail = describeDifference(pieces, actual.get(file) ?? new Map())
    if (detail) mismatches.push({path: file, reason: 'modified', detail})
  }
  if (!input.ignoreUnsignedFiles) {
    for (const file of input.files) {
      // Shard manifests leave out empty files, so an empty file is not "unsigned" there.
      if (expected.has(file.name) || (input.shards && file.size === 0)) continue
      mismatches.push({path: file.name, reason: 'extra', detail: 'file is not in the signed manifest'})
    }
  }
  return mismatches.sort((a, b) => compareNames(a.path, b.path))
}
