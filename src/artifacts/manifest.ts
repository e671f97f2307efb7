import {createHash} from 'node:crypto'

import {noProgress, type OnProgress} from '../core/progress.js'
import type {ModelFile, ResourceDescriptor, Serialization} from './artifacts.types.js'
import {artifactsError} from './errors.js'
import {hashJobs, type HashJob} from './hash-pool.js'
import {compareNames} from './paths.js'

/** node:crypto names of the OMS hash identifiers llmsec supports. */
const NODE_ALGORITHMS: Record<string, string> = {sha256: 'sha256', blake2b: 'blake2b512'}

/** The node:crypto algorithm for an OMS hash_type, or an error naming the unsupported one. */
function nodeHashAlgorithm(hashType: string): string {
  const algorithm = NODE_ALGORITHMS[hashType]
  if (!algorithm) {
    throw artifactsError(
      'SIGNATURE_UNSUPPORTED',
      `Hash type ${hashType} is not supported by llmsec (supported: ${Object.keys(NODE_ALGORITHMS).join(', ')}).`,
    )
  }
  return algorithm
}

export interface HashModelOptions {
  concurrency?: number
  onProgress?: OnProgress
}

/** The jobs (whole files, or shards) and resource names a serialization yields. */
function planJobs(files: ModelFile[], serialization: Serialization): {name: string; job: HashJob}[] {
  if (serialization.method === 'files') {
    return files.map((file) => ({name: file.name, job: {path: file.path, size: file.size}}))
  }
  const shard = serialization.shard_size ?? 0
  if (!Number.isSafeInteger(shard) || shard <= 0) {
    throw artifactsError('SIGNATURE_MALFORMED', 'The signature uses shards but has no valid shard_size.')
  }
  const planned: {name: string; job: HashJob}[] = []
  for (const file of files) {
    // OMS omits empty files from shard manifests.
    for (let start = 0; start < file.size; start += shard) {
      const end = Math.min(start + shard, file.size)
      planned.push({name: `${file.name}:${start}:${end}`, job: {path: file.path, size: end - start, start, end}})
    }
  }
  return planned
}

/**
 * Hashes the files of a model per an OMS serialization, concurrently on worker threads,
 * reporting bytes done / total. Returns descriptors sorted by name.
 */
export async function hashModel(
  files: ModelFile[],
  serialization: Serialization,
  options: HashModelOptions = {},
): Promise<{resources: ResourceDescriptor[]; bytes: number}> {
  const algorithm = nodeHashAlgorithm(serialization.hash_type)
  const planned = planJobs(files, serialization)
  const total = planned.reduce((sum, item) => sum + item.job.size, 0)
  const onProgress = options.onProgress ?? noProgress
  let done = 0
  onProgress({phase: 'hashing', done, total, unit: 'bytes'})
  const results = await hashJobs(
    planned.map((item) => item.job),
    {
      algorithm,
      concurrency: options.concurrency,
      onBytes(delta) {
        done += delta
        onProgress({phase: 'hashing', done, total, unit: 'bytes'})
      },
    },
  )
  const resources = planned.map((item, i) => ({
    name: item.name,
    digest: results[i].digest,
    algorithm: serialization.hash_type,
  }))
  resources.sort((a, b) => compareNames(a.name, b.name))
  return {resources, bytes: results.reduce((sum, result) => sum + result.bytes, 0)}
}

/** The OMS root digest: SHA-256 over the concatenated raw bytes of each resource digest. */
export function computeRootDigest(resources: ResourceDescriptor[]): string {
  const hash = createHash('sha256')
  for (const resource of resources) hash.update(Buffer.from(resource.digest, 'hex'))
  return hash.digest('hex')
}
