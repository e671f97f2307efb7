import {collectGpus} from '../../hardware/index.js'
import type {FactProvider} from './cache.js'
import type {GpuEntry} from './fact-map.js'

const mode = (value: boolean | null): string | null => (value === null ? null : value ? 'Enabled' : 'Disabled')

/** NVIDIA GPUs of the running host, from the inventory engine (src/hardware). */
export const gpusProvider: FactProvider<'gpus'> = {
  id: 'gpus',
  live: true,
  async gather() {
    const section = await collectGpus()
    const nvidia = section.gpus.filter((g) => g.vendor === 'nvidia')
    const gpus: GpuEntry[] = nvidia.map((g) => ({
      name: g.name ?? 'NVIDIA GPU',
      driverVersion: g.driverVersion,
      ecc: mode(g.eccEnabled),
      persistence: mode(g.persistenceMode),
      mig: mode(g.migEnabled),
    }))
    const smi = section.sources.find((s) => s.tool === 'nvidia-smi')
    const note =
      smi?.status === 'ok'
        ? undefined
        : `nvidia-smi ${smi?.status === 'missing' ? 'is not installed' : `failed: ${smi?.message ?? 'unknown error'}`}`
    return {vendor: gpus.length ? 'nvidia' : null, gpus, ...(note ? {note} : {})}
  },
}
