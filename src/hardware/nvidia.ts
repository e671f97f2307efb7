import {XMLParser} from 'fast-xml-parser'

import {coreError} from '../core/errors.js'
import {SAFE_XML_OPTIONS} from '../core/xml-options.js'
import type {GpuInfo, MigDevice} from './gpu.types.js'
import {MAX_NVIDIA_XML_BYTES} from './nvidia-limits.js'
import {valueAt} from './value-at.js'

type Xml = Record<string, unknown>

const parser = new XMLParser({
  ...SAFE_XML_OPTIONS,
  trimValues: true,
  isArray: (name) => name === 'gpu' || name === 'mig_device',
})

/** The text of a leaf, or null for missing, empty and N/A-like values. */
function text(node: unknown, ...path: string[]): string | null {
  const value = valueAt(node, ...path)
  if (typeof value !== 'string') return null
  const trimmed = value.trim()
  if (
    trimmed === '' ||
    /^(N\/A|\[N\/A\]|Not Supported|\[Not Supported\]|Unknown Error|Requested functionality has been deprecated)$/i.test(
      trimmed,
    )
  )
    return null
  return trimmed
}

function number(node: unknown, ...path: string[]): number | null {
  const value = text(node, ...path)
  if (value === null) return null
  const match = /^-?\d+(\.\d+)?/.exec(value)
  return match ? Number(match[0]) : null
}

function bool(node: unknown, ...path: string[]): boolean | null {
  const value = text(node, ...path)
  if (value === null) return null
  if (/^(enabled|yes|on|true)$/i.test(value)) return true
  if (/^(disabled|no|off|false)$/i.test(value)) return false
  return null
}

const UNITS: Record<string, number> = {B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, KB: 1e3, MB: 1e6, GB: 1e9}

function bytes(node: unknown, ...path: string[]): number | null {
  const value = text(node, ...path)
  const match = value && /^(\d+(?:\.\d+)?)\s*([KMG]i?B|B)$/.exec(value)
  if (!match) return null
  return Math.round(Number(match[1]) * (UNITS[match[2]] ?? 1))
}

function sum(values: (number | null)[]): number | null {
  const known = values.filter((v): v is number => v !== null)
  return known.length === 0 ? null : known.reduce((a, b) => a + b, 0)
}

/** Uncorrectable ECC errors: v11/v12 name one SRAM counter, v13 (drivers 580+) split it in two. */
function uncorrectable(gpu: unknown, scope: 'volatile' | 'aggregate'): number | null {
  const node = valueAt(gpu, 'ecc_errors', scope)
  return sum([
    number(node, 'sram_uncorrectable'),
    number(node, 'sram_uncorrectable_parity'),
    number(node, 'sram_uncorrectable_secded'),
    number(node, 'dram_uncorrectable'),
    number(node, 'double_bit', 'total'),
  ])
}

/** Power draw and limit moved between elements across schema versions. */
function power(gpu: unknown): {draw: number | null; limit: number | null} {
  const v12 = valueAt(gpu, 'gpu_power_readings')
  const v11 = valueAt(gpu, 'power_readings')
  const draw =
    number(v12, 'power_draw') ??
    number(v12, 'instant_power_draw') ??
    number(v12, 'average_power_draw') ??
    number(v11, 'power_draw')
  const limit = number(v12, 'current_power_limit') ?? number(v11, 'enforced_power_limit') ?? number(v11, 'power_limit')
  return {draw, limit}
}

function retiredPending(gpu: unknown): boolean | null {
  const pages = valueAt(gpu, 'retired_pages')
  const flags = [bool(pages, 'pending_retirement'), bool(pages, 'pending_blacklist')]
  if (flags.every((f) => f === null)) return null
  return flags.some((f) => f === true)
}

function remappedPending(gpu: unknown): boolean | null {
  const rows = valueAt(gpu, 'remapped_rows')
  if (!rows || typeof rows !== 'object') return null
  const pending = bool(rows, 'remapped_row_pending')
  const failure = bool(rows, 'remapped_row_failure')
  if (pending === null && failure === null) return null
  return pending === true || failure === true
}

function migDevices(gpu: unknown): MigDevice[] {
  const list = valueAt(gpu, 'mig_devices', 'mig_device')
  if (!Array.isArray(list)) return []
  return list.map((device) => ({
    index: number(device, 'index'),
    gpuInstanceId: number(device, 'gpu_instance_id'),
    computeInstanceId: number(device, 'compute_instance_id'),
    memoryTotalBytes: bytes(device, 'fb_memory_usage', 'total'),
    memoryUsedBytes: bytes(device, 'fb_memory_usage', 'used'),
  }))
}

function parseGpu(gpu: Xml, index: number, driverVersion: string | null, cudaVersion: string | null): GpuInfo {
  const {draw, limit} = power(gpu)
  return {
    vendor: 'nvidia',
    index,
    name: text(gpu, 'product_name'),
    uuid: text(gpu, 'uuid'),
    serial: text(gpu, 'serial'),
    busId: text(gpu, 'pci', 'pci_bus_id') ?? text(gpu, '@id'),
    architecture: text(gpu, 'product_architecture'),
    driverVersion,
    cudaVersion,
    memoryTotalBytes: bytes(gpu, 'fb_memory_usage', 'total'),
    memoryUsedBytes: bytes(gpu, 'fb_memory_usage', 'used'),
    persistenceMode: bool(gpu, 'persistence_mode'),
    eccEnabled: bool(gpu, 'ecc_mode', 'current_ecc'),
    eccPendingEnabled: bool(gpu, 'ecc_mode', 'pending_ecc'),
    eccErrors: {
      volatileUncorrectable: uncorrectable(gpu, 'volatile'),
      aggregateUncorrectable: uncorrectable(gpu, 'aggregate'),
    },
    migEnabled: bool(gpu, 'mig_mode', 'current_mig'),
    migPendingEnabled: bool(gpu, 'mig_mode', 'pending_mig'),
    migDevices: migDevices(gpu),
    computeMode: text(gpu, 'compute_mode'),
    temperatureC: number(gpu, 'temperature', 'gpu_temp'),
    powerDrawW: draw,
    powerLimitW: limit,
    retiredPagesPending: retiredPending(gpu),
    remappedRowsPending: remappedPending(gpu),
    source: 'nvidia-smi',
  }
}

/**
 * Parses `nvidia-smi -q -x` output (schema versions of drivers 510 to 580+).
 * Throws an LlmsecError (INPUT_MALFORMED) when the text is not nvidia-smi XML.
 */
export function parseNvidiaSmiXml(xml: string): GpuInfo[] {
  if (xml.length > MAX_NVIDIA_XML_BYTES) throw coreError('INPUT_MALFORMED', 'nvidia-smi output is larger than 16 MiB.')
  let doc: Xml
  try {
    doc = parser.parse(xml, true) as Xml
  } catch (error) {
    const why = error instanceof Error ? error.message.split('\n')[0] : String(error)
    throw coreError('INPUT_MALFORMED', `nvidia-smi printed malformed XML: ${why}`)
  }
  const log = doc.nvidia_smi_log
  if (!log || typeof log !== 'object') {
    throw coreError('INPUT_MALFORMED', 'nvidia-smi output has no <nvidia_smi_log> element.')
  }
  const gpus = (valueAt(log, 'gpu') as Xml[] | undefined) ?? []
  return gpus.map((gpu, i) => parseGpu(gpu, i, text(log, 'driver_version'), text(log, 'cuda_version')))
}
