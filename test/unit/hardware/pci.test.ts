import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import {pciDisplayControllers} from '../../../src/hardware/pci.js'

const dirs: string[] = []
afterAll(() => Promise.all(dirs.map((d) => rm(d, {recursive: true, force: true}))))

/** A sysfs tree with the given PCI functions: address → class, vendor, device (as the kernel writes them). */
async function sysfs(devices: Record<string, {class?: string; vendor?: string; device?: string}>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'llmsec-sysfs-'))
  dirs.push(root)
  for (const [address, files] of Object.entries(devices)) {
    const dir = join(root, 'bus', 'pci', 'devices', address)
    await mkdir(dir, {recursive: true})
    for (const [name, value] of Object.entries(files)) await writeFile(join(dir, name), `${value}\n`)
  }
  return root
}

describe('GPUs from the PCI bus (sysfs), when no vendor tool answers', () => {
  it('finds NVIDIA, AMD and Intel display controllers by class and vendor id, in bus order', async () => {
    const root = await sysfs({
      '0000:c1:00.0': {class: '0x030200', vendor: '0x10de', device: '0x2330'}, // H100, a 3D controller
      '0000:00:02.0': {class: '0x030000', vendor: '0x8086', device: '0x46a6'}, // Intel VGA
      '0000:03:00.0': {class: '0x038000', vendor: '0x1002', device: '0x740f'}, // AMD MI210
      '0000:00:1f.6': {class: '0x020000', vendor: '0x8086', device: '0x15fc'}, // a network card
      '0000:04:00.0': {class: '0x030000', vendor: '0x102b', device: '0x0536'}, // a BMC's VGA (Matrox)
      '0000:05:00.0': {vendor: '0x10de', device: '0x1234'}, // no class file: not judged a GPU
    })
    const gpus = await pciDisplayControllers(root)
    expect(gpus.map((g) => [g.busId, g.vendor, g.name, g.index, g.source])).toEqual([
      ['0000:00:02.0', 'intel', 'PCI device 8086:46a6', 0, 'pci'],
      ['0000:03:00.0', 'amd', 'PCI device 1002:740f', 1, 'pci'],
      ['0000:c1:00.0', 'nvidia', 'PCI device 10de:2330', 2, 'pci'],
    ])
  })

  it('a host without a PCI bus in sysfs is an error for the caller to record, never "no GPU"', async () => {
    const root = await sysfs({})
    await expect(pciDisplayControllers(join(root, 'missing'))).rejects.toMatchObject({code: 'ENOENT'})
  })
})
