import {minorCollector} from './chunk-range.js'

/**
 * Size of the block freed to raise glibc's thresholds: above the 16 MiB of cipher outputs a thread
 * frees per segment, below glibc's 32 MiB ceiling for the dynamic threshold.
 */
export const RAISE_BYTES = 16 * 1024 * 1024

let raised = false

/**
 * Every cipher call allocates its output (Node has no update-into-a-buffer), and a thread frees a
 * segment's outputs at each garbage collection. glibc gives free memory at the top of a heap back
 * to the kernel once it passes the trim threshold (128 KiB at start), so the next segment faults
 * every page in again: 124k minor faults per 2 GiB encrypted. glibc raises its mmap threshold to
 * the size of any mmap-served block that is freed, and the trim threshold to twice that
 * (mallopt(3), "dynamic mmap threshold"); one 16 MiB block, never touched, allocated and collected
 * here keeps up to 32 MiB free per heap for the rest of the process. Measured per 2 GiB: 23k
 * faults and about 0.3 s less CPU, as with GLIBC_TUNABLES=glibc.malloc.trim_threshold. Other
 * allocators ignore it. Once per process; returns whether it ran now.
 */
export function keepFreedMemory(): boolean {
  if (raised) return false
  raised = true
  const collect = minorCollector()
  if (!collect) return false
  Buffer.allocUnsafeSlow(RAISE_BYTES)
  collect()
  return true
}
