import {describe, expect, it} from 'vitest'

import {parseAmdSmiStatic, parseRocmSmi} from '../../../src/hardware/index.js'

describe('AMD parsers', () => {
  it('reads amd-smi static --json (list form with {value, unit} sizes)', () => {
    const text = JSON.stringify([
      {
        gpu: 0,
        asic: {market_name: 'AMD Instinct MI300X', target_graphics_version: 'gfx942', asic_serial: '0xABCD'},
        bus: {bdf: '0000:0c:00.0'},
        driver: {name: 'amdgpu', version: '6.7.0'},
        vram: {type: 'HBM', size: {value: 196592, unit: 'MB'}},
      },
    ])
    const [gpu] = parseAmdSmiStatic(text)
    expect(gpu).toMatchObject({
      vendor: 'amd',
      index: 0,
      name: 'AMD Instinct MI300X',
      busId: '0000:0c:00.0',
      driverVersion: '6.7.0',
      architecture: 'gfx942',
      source: 'amd-smi',
    })
    expect(gpu.memoryTotalBytes).toBe(196592 * 1024 * 1024)
  })

  it('reads the gpu_data wrapper of newer amd-smi releases', () => {
    expect(parseAmdSmiStatic(JSON.stringify({gpu_data: [{gpu: 3, asic: {market_name: 'MI250'}}]}))[0]).toMatchObject({
      index: 3,
      name: 'MI250',
    })
  })

  it('reads rocm-smi --json cards in order', () => {
    const text = JSON.stringify({
      card1: {
        'Card Series': 'Radeon Instinct MI100',
        'PCI Bus': '0000:43:00.0',
        'VRAM Total Memory (B)': '34342961152',
        'VRAM Total Used Memory (B)': '7000000',
      },
      card0: {
        'Card Series': 'Radeon Instinct MI100',
        'PCI Bus': '0000:03:00.0',
        'VRAM Total Memory (B)': '34342961152',
      },
      system: {'Driver version': '6.2.4'},
    })
    const gpus = parseRocmSmi(text)
    expect(gpus.map((g) => g.index)).toEqual([0, 1])
    expect(gpus[1]).toMatchObject({
      busId: '0000:43:00.0',
      memoryTotalBytes: 34342961152,
      memoryUsedBytes: 7000000,
      source: 'rocm-smi',
    })
  })

  it('throws on output that is not the expected JSON', () => {
    expect(() => parseAmdSmiStatic('{"x": 1}')).toThrow()
    expect(() => parseRocmSmi('[1]')).toThrow()
  })
})
