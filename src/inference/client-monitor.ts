import {monitorEventLoopDelay} from 'node:perf_hooks'

/** How hard the measuring client itself worked during a level. */
export interface ClientLoad {
  /** CPU time of this process over wall time (1 = one core busy). */
  cpuCores: number
  /** Event-loop delay p99: how late chunk timestamps may be. */
  eventLoopDelayP99Ms: number
  chunksPerSec: number
  /** Whether the client may have limited or distorted the measurement. */
  bound: boolean
}

/** Above this the client, not the server, may set the pace (measured: see bench/inference-client.ts). */
export const CLIENT_CHUNK_RATE_LIMIT = 20_000
const CPU_LIMIT = 0.85
const LOOP_DELAY_LIMIT_MS = 20

/** Starts watching this process's CPU and event loop; `stop` returns the load over the interval. */
export function watchClient(): {stop(chunks: number): ClientLoad} {
  const histogram = monitorEventLoopDelay({resolution: 5})
  histogram.enable()
  const cpu = process.cpuUsage()
  const started = performance.now()
  return {
    stop(chunks) {
      histogram.disable()
      const wallMs = Math.max(performance.now() - started, 1e-6)
      const used = process.cpuUsage(cpu)
      const cpuCores = (used.user + used.system) / 1000 / wallMs
      // The histogram holds nanoseconds; it is empty (NaN) when the interval was shorter than one sample.
      const p99 = histogram.count > 0 ? histogram.percentile(99) / 1e6 : 0
      const eventLoopDelayP99Ms = Number.isFinite(p99) ? p99 : 0
      const chunksPerSec = chunks / (wallMs / 1000)
      const bound =
        cpuCores > CPU_LIMIT || eventLoopDelayP99Ms > LOOP_DELAY_LIMIT_MS || chunksPerSec > CLIENT_CHUNK_RATE_LIMIT
      const round = (v: number) => Math.round(v * 100) / 100
      return {
        cpuCores: round(cpuCores),
        eventLoopDelayP99Ms: round(eventLoopDelayP99Ms),
        chunksPerSec: Math.round(chunksPerSec),
        bound,
      }
    },
  }
}

/** The warning printed with a client-bound level. */
export function clientBoundWarning(load: ClientLoad): string {
  return (
    `the client may be the bottleneck: llmsec used ${load.cpuCores} cores, event-loop delay p99 ${load.eventLoopDelayP99Ms} ms, ` +
    `${load.chunksPerSec} chunks/s (limits ${CPU_LIMIT} cores, ${LOOP_DELAY_LIMIT_MS} ms, ${CLIENT_CHUNK_RATE_LIMIT} chunks/s): latencies may include client delay`
  )
}
