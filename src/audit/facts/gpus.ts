import {XMLParser} from 'fast-xml-parser'

import {runTool} from '../../core/exec.js'
import type {FactProvider} from './cache.js'
import type {GpuEntry} from './fact-map.js'
import {statIn} from './rootfs.js'

type Xml = Record<string, unknown>

function text(value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null
  if (typeof value === 'object') return null
  const s = String(value).trim()
  return s === '' || s === 'N/A' ? null : s
}

function pick(node: unknown, ...path: string[]): unknown {
  let current = node
  for (const key of path) current = (current as Xml | undefined)?.[key]
  return current
}

/** Parses `nvidia-smi -q -x` into GPU entries (the parser never resolves entities or DTDs). */
export function parseNvidiaSmiXml(xml: string): GpuEntry[] {
  const parser = new XMLParser({ignoreAttributes: true, processEntities: false, parseTagValue: false})
  const log = pick(parser.parse(xml), 'nvidia_smi_log') as Xml | undefined
  if (!log) return []
  const driverVersion = text(log.driver_version)
  const list = Array.isArray(log.gpu) ? log.gpu : log.gpu ? [log.gpu] : []
  return list.map((gpu: Xml) => ({
    name: text(gpu.product_name) ?? 'NVIDIA GPU',
    driverVersion,
    ecc: text(pick(gpu, 'ecc_mode', 'current_ecc')),
    persistence: text(gpu.persistence_mode),
    mig: text(pick(gpu, 'mig_mode', 'current_mig')),
  }))
}

/**
 * NVIDIA GPUs of the running host through nvidia-smi (own implementation until the
 * `inventory` engine lands on main). No driver node and no nvidia-smi means no NVIDIA GPU.
 */
export const gpusProvider: FactProvider<'gpus'> = {
  id: 'gpus',
  live: true,
  async gather() {
    const result = await runTool('nvidia-smi', ['-q', '-x'], {timeoutMs: 15_000})
    if (result.status === 'ok') {
      const gpus = parseNvidiaSmiXml(result.stdout)
      return {vendor: gpus.length > 0 ? 'nvidia' : null, gpus}
    }
    const driver = (await statIn('/', '/proc/driver/nvidia/version')) !== null
    if (driver) return {vendor: 'nvidia', gpus: [], note: `NVIDIA driver loaded but ${result.reason}`}
    return {vendor: null, gpus: [], note: 'no NVIDIA driver (/proc/driver/nvidia) and no nvidia-smi'}
  },
}
