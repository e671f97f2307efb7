import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {LlmsecError} from '../../../src/core/errors.js'
import {parseNvidiaSmiXml} from '../../../src/hardware/nvidia.js'
import {hasShared, repoRoot, sharedDir} from '../../helpers/cli.js'

const fixture = (name: string) => readFileSync(join(repoRoot, 'fixtures', 'nvidia-smi', name), 'utf8')
const MiB = 1024 * 1024

describe('parseNvidiaSmiXml on project fixtures', () => {
  it('reads schema v11 (driver 510): two GPUs, power_readings, ECC counts, retired pages pending', () => {
    const gpus = parseNvidiaSmiXml(fixture('driver-510-v11.xml'))
    expect(gpus).toHaveLength(2)
    expect(gpus.map((g) => g.index)).toEqual([0, 1])
    expect(gpus[0]).toMatchObject({
      name: 'Tesla V100-PCIE-32GB',
      driverVersion: '510.108.03',
      cudaVersion: '11.6',
      memoryTotalBytes: 32768 * MiB,
      persistenceMode: true,
      eccEnabled: true,
      migEnabled: null,
      computeMode: 'Exclusive_Process',
      powerDrawW: 41.5,
      powerLimitW: 250,
      retiredPagesPending: false,
      remappedRowsPending: null,
    })
    expect(gpus[1].eccErrors).toEqual({volatileUncorrectable: 1, aggregateUncorrectable: 3})
    expect(gpus[1].retiredPagesPending).toBe(true)
  })

  it('reads schema v12 (driver 535): MIG devices, gpu_power_readings, remapped rows pending', () => {
    const [gpu] = parseNvidiaSmiXml(fixture('driver-535-v12-mig.xml'))
    expect(gpu).toMatchObject({
      migEnabled: true,
      migPendingEnabled: false,
      persistenceMode: false,
      powerDrawW: 312.25,
      powerLimitW: 400,
      remappedRowsPending: true,
    })
    expect(gpu.migDevices).toEqual([
      {index: 0, gpuInstanceId: 1, computeInstanceId: 0, memoryTotalBytes: 40192 * MiB, memoryUsedBytes: 12 * MiB},
      {index: 1, gpuInstanceId: 2, computeInstanceId: 0, memoryTotalBytes: 40192 * MiB, memoryUsedBytes: 30000 * MiB},
    ])
  })

  it('reads schema v13 (driver 580): split SRAM counters and instant power draw', () => {
    const [gpu] = parseNvidiaSmiXml(fixture('driver-580-v13.xml'))
    expect(gpu).toMatchObject({
      architecture: 'Blackwell',
      eccEnabled: true,
      eccPendingEnabled: false,
      powerDrawW: 701.4,
      powerLimitW: 1000,
      remappedRowsPending: false,
      retiredPagesPending: false,
    })
    expect(gpu.eccErrors).toEqual({volatileUncorrectable: 3, aggregateUncorrectable: null})
  })

  it('turns N/A, [N/A] and [Not Supported] into null', () => {
    const [gpu] = parseNvidiaSmiXml(fixture('na-values.xml'))
    expect(gpu).toMatchObject({
      cudaVersion: null,
      serial: null,
      memoryTotalBytes: null,
      memoryUsedBytes: null,
      persistenceMode: null,
      eccEnabled: null,
      temperatureC: null,
      powerDrawW: null,
      computeMode: null,
      architecture: null,
    })
    expect(gpu.name).toBe('NVIDIA GeForce RTX 4090')
  })

  it('rejects malformed XML with an input error', () => {
    expect(() => parseNvidiaSmiXml(fixture('malformed.xml'))).toThrow(LlmsecError)
    expect(() => parseNvidiaSmiXml('<other/>')).toThrow(/no <nvidia_smi_log>/)
  })

  it('never expands external entities', () => {
    expect(() => parseNvidiaSmiXml(fixture('external-entity.xml'))).toThrow(/malformed XML/)
  })
})

describe.skipIf(!hasShared)('parseNvidiaSmiXml on real captures in ../shared/samples/nvidia-smi', () => {
  const dir = join(sharedDir, 'samples', 'nvidia-smi')
  const files = hasShared ? readdirSync(dir).filter((f) => f.endsWith('.xml')) : []

  it.each(files)('%s parses with a name, uuid, bus id, driver and memory for every GPU', (file) => {
    const gpus = parseNvidiaSmiXml(readFileSync(join(dir, file), 'utf8'))
    expect(gpus.length).toBeGreaterThan(0)
    for (const gpu of gpus) {
      expect(gpu.name).toMatch(/\S/)
      expect(gpu.uuid).toMatch(/^GPU-/)
      expect(gpu.busId).toMatch(/^[0-9A-F]{8}:[0-9A-F]{2}:[0-9A-F]{2}\.\d$/i)
      expect(gpu.driverVersion).toMatch(/^\d+\.\d+/)
      expect(gpu.memoryTotalBytes).toBeGreaterThan(0)
      expect(gpu.temperatureC).toBeGreaterThan(0)
      expect(gpu.powerLimitW).toBeGreaterThan(0)
    }
  })

  it('reads the A100 MIG capture exactly', () => {
    const [gpu] = parseNvidiaSmiXml(readFileSync(join(dir, 'telegraf-a100-sxm4-v12.xml'), 'utf8'))
    expect(gpu).toMatchObject({
      name: 'NVIDIA A100-SXM4-80GB',
      driverVersion: '535.54.03',
      cudaVersion: '12.2',
      migEnabled: true,
      persistenceMode: false,
      eccEnabled: true,
    })
    expect(gpu.migDevices).toHaveLength(4)
  })
})
if (!hasShared) console.warn('[skip] ../shared is absent: nvidia-smi conformance over real captures skipped')
