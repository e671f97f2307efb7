import {setFlagsFromString} from 'node:v8'
import {runInNewContext} from 'node:vm'
import {parentPort, workerData} from 'node:worker_threads'

import {ChunkAuthError, type ChunkJob, type ChunkShared, processSegments, requestStop} from './chunk-range.js'

/** Worker thread entry: processes segments until none is left, then reports how it ended. */
const {job, shared} = workerData as {job: ChunkJob; shared: ChunkShared}
// Each chunk cipher call allocates its output outside the V8 heap, and V8 only collects after
// about 64 MiB of such garbage; a minor GC per 16 MiB segment keeps each worker's memory small.
setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as ((options?: {type: string}) => void) | undefined
job.collect = () => gc?.({type: 'minor'})
try {
  processSegments(job, shared)
  parentPort?.postMessage({ok: true})
} catch (error) {
  requestStop(shared.control)
  const chunk = error instanceof ChunkAuthError ? error.chunk : undefined
  parentPort?.postMessage({ok: false, chunk, message: error instanceof Error ? error.message : String(error)})
}
