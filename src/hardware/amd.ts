import type {GpuInfo} from './gpu.types.js'
import {valueAt} from './value-at.js'

type Json = Record<string, unknown>

function emptyGpu(index: number, source: GpuInfo['source']): GpuInfo {
  return {
    vendor: 'amd',
    index,
    name: null,
    uuid: null,
    serial: null,
    busId: null,
    architecture: null,
    driverVersion: null,
    cudaVersion: null,
    memoryTotalBytes: null,
    memoryUsedBytes: null,
    persistenceMode: null,
    eccEnabled: null,
    eccPendingEnabled: null,
    eccErrors: {volatileUncorrectable: null, aggregateUncorrectable: null},
    migEnabled: null,
    migPendingEnabled: null,
    migDevices: [],
    computeMode: null,
    temperatureC: null,
    powerDrawW: null,
    powerLimitW: null,
    retiredPagesPending: null,
    remappedRowsPending: null,
    source,
  }
}

function str(value: unknown): string | null {
  if (typeof value === 'number') return String(value)
  if (typeof value !== 'string') return null
  const trimmed = value.trim()
  return trimmed === '' || /^(N\/A|NA)$/i.test(trimmed) ? null : trimmed
}

/** amd-smi reports sizes as {value, unit} or as "N MB" strings depending on its version. */
function size(value: unknown): number | null {
  const units: Record<string, number> = {B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3}
  if (value && typeof value === 'object') {
    const {value: v, unit} = value as {value?: unknown; unit?: unknown}
    if (typeof v === 'number') return Math.round(v * (units[String(unit ?? 'B').toUpperCase()] ?? 1))
  }
  const match = typeof value === 'string' ? /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB)$/i.exec(value.trim()) : null
  return match ? Math.round(Number(match[1]) * units[match[2].toUpperCase()]) : null
}

/** Parses `amd-smi static --json` (a list of GPUs, or {gpu_data: [...]} in newer releases). */
export function parseAmdSmiStatic(text: string): GpuInfo[] {
  const doc = JSON.parse(text) as unknown
  const list = Array.isArray(doc) ? doc : (valueAt(doc, 'gpu_data') as unknown[] | undefined)
  if (!Array.isArray(list)) throw new Error('amd-smi output is not a list of GPUs')
  return list.map((entry, i) => {
    const gpu = emptyGpu(typeof valueAt(entry, 'gpu') === 'number' ? (valueAt(entry, 'gpu') as number) : i, 'amd-smi')
    gpu.name = str(valueAt(entry, 'asic', 'market_name')) ?? str(valueAt(entry, 'board', 'product_name'))
    gpu.busId = str(valueAt(entry, 'bus', 'bdf'))
    gpu.uuid = str(valueAt(entry, 'asic', 'asic_serial')) ?? str(valueAt(entry, 'board', 'product_serial'))
    gpu.serial = str(valueAt(entry, 'board', 'product_serial'))
    gpu.architecture = str(valueAt(entry, 'asic', 'target_graphics_version'))
    gpu.driverVersion = str(valueAt(entry, 'driver', 'version'))
    gpu.memoryTotalBytes = size(valueAt(entry, 'vram', 'size'))
    const ras = str(valueAt(entry, 'ras', 'eeprom_version'))
    gpu.eccEnabled = ras === null ? null : true
    return gpu
  })
}

/** Parses `rocm-smi --showproductname --showbus --showmeminfo vram --json` ({card0: {...}}). */
export function parseRocmSmi(text: string): GpuInfo[] {
  const doc = JSON.parse(text) as Json
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new Error('rocm-smi output is not a JSON object')
  return Object.keys(doc)
    .filter((key) => /^card\d+$/.test(key))
    .sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)))
    .map((key) => {
      const card = doc[key] as Json
      const gpu = emptyGpu(Number(key.slice(4)), 'rocm-smi')
      gpu.name = str(card['Card Series']) ?? str(card['Card series']) ?? str(card['Card model'])
      gpu.busId = str(card['PCI Bus'])
      gpu.uuid = str(card['Unique ID'])
      gpu.serial = str(card['Serial Number'])
      gpu.architecture = str(card['GFX Version'])
      const total = Number(card['VRAM Total Memory (B)'])
      const used = Number(card['VRAM Total Used Memory (B)'])
      gpu.memoryTotalBytes = Number.isFinite(total) ? total : null
      gpu.memoryUsedBytes = Number.isFinite(used) ? used : null
      return gpu
    })
}

export {emptyGpu}
