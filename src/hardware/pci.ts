import {readdir, readFile} from 'node:fs/promises'
import {join} from 'node:path'

import {emptyGpu} from './amd.js'
import type {GpuInfo} from './gpu.types.js'

/** PCI vendor ids of GPU makers (the PCI-SIG registry, as in pci.ids). */
const VENDORS: Record<string, GpuInfo['vendor']> = {'0x10de': 'nvidia', '0x1002': 'amd', '0x8086': 'intel'}
/** Base class 0x03, display controller: 0x0300 VGA, 0x0302 3D (data-centre GPUs), 0x0380 other. */
const DISPLAY_CLASS = /^0x03[0-9a-f]{4}$/i
/** More PCI functions than any host has: the listing is cut there. */
const MAX_DEVICES = 4096

/**
 * The display controllers the kernel enumerated on the PCI bus, from sysfs (`/sys/bus/pci/devices/<bus
 * address>/{class,vendor,device}`, see the kernel's sysfs-bus-pci ABI): a GPU is seen even when no
 * vendor tool is installed. No name or memory size (sysfs has ids only); vendors other than NVIDIA,
 * AMD and Intel are left out, as they are not compute GPUs.
 */
export async function pciDisplayControllers(sysfs = '/sys'): Promise<GpuInfo[]> {
  const dir = join(sysfs, 'bus', 'pci', 'devices')
  const addresses = (await readdir(dir)).sort().slice(0, MAX_DEVICES)
  const read = (address: string, file: string) =>
    readFile(join(dir, address, file), 'utf8').then(
      (text) => text.trim().toLowerCase(),
      () => '',
    )
  const devices = await Promise.all(
    addresses.map(async (address) => ({
      address,
      pciClass: await read(address, 'class'),
      vendor: await read(address, 'vendor'),
      device: await read(address, 'device'),
    })),
  )
  return devices
    .filter((d) => DISPLAY_CLASS.test(d.pciClass) && VENDORS[d.vendor] !== undefined)
    .map((d, index) => {
      const gpu = emptyGpu(index, 'pci')
      gpu.vendor = VENDORS[d.vendor]
      gpu.name = `PCI device ${d.vendor.slice(2)}:${d.device.slice(2)}`
      gpu.busId = d.address
      return gpu
    })
}
