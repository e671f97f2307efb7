/** Where a GPU's facts came from. */
export type GpuSource = 'nvidia-smi' | 'amd-smi' | 'rocm-smi' | 'pci'

export interface MigDevice {
  index: number | null
  gpuInstanceId: number | null
  computeInstanceId: number | null
  memoryTotalBytes: number | null
  memoryUsedBytes: number | null
}

/** One GPU as inventory reports it; null means "not reported by the source" (N/A). */
export interface GpuInfo {
  vendor: 'nvidia' | 'amd' | 'intel' | 'other'
  index: number
  name: string | null
  uuid: string | null
  serial: string | null
  busId: string | null
  architecture: string | null
  driverVersion: string | null
  cudaVersion: string | null
  memoryTotalBytes: number | null
  memoryUsedBytes: number | null
  persistenceMode: boolean | null
  eccEnabled: boolean | null
  eccPendingEnabled: boolean | null
  eccErrors: {volatileUncorrectable: number | null; aggregateUncorrectable: number | null}
  migEnabled: boolean | null
  migPendingEnabled: boolean | null
  migDevices: MigDevice[]
  computeMode: string | null
  temperatureC: number | null
  powerDrawW: number | null
  powerLimitW: number | null
  retiredPagesPending: boolean | null
  remappedRowsPending: boolean | null
  source: GpuSource
}

/** The GPU section of the inventory. */
export interface GpuSection {
  gpus: GpuInfo[]
  /** One entry per vendor tool tried: found or not, and the error when it failed. */
  sources: {tool: string; status: 'ok' | 'missing' | 'error'; message?: string}[]
}
