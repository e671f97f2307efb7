import {parentPort, workerData} from 'node:worker_threads'

import {
  ChunkAuthError,
  type ChunkJob,
  type ChunkShared,
  minorCollector,
  processSegments,
  requestStop,
} from './chunk-range.js'

/** Worker thread entry: processes segments until none is left, then reports how it ended. */
const {job, shared} = workerData as {job: ChunkJob; shared: ChunkShared}
job.collect = minorCollector()
try {
  processSegments(job, shared)
  parentPort?.postMessage({ok: true})
} catch (error) {
  requestStop(shared.control)
  const chunk = error instanceof ChunkAuthError ? error.chunk : undefined
  parentPort?.postMessage({ok: false, chunk, message: error instanceof Error ? error.message : String(error)})
}
