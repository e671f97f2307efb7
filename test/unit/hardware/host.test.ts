import {describe, expect, it} from 'vitest'

import {parseLsblk, parseSwaps} from '../../../src/hardware/index.js'

// Shape of `lsblk -J -b -o NAME,KNAME,TYPE,FSTYPE,SIZE,MOUNTPOINT` on a host with LUKS root and plain /data.
const LSBLK = JSON.stringify({
  blockdevices: [
    {
      name: 'nvme0n1',
      kname: 'nvme0n1',
      type: 'disk',
      fstype: null,
      size: 1000204886016,
      mountpoint: null,
      children: [
        {name: 'nvme0n1p1', kname: 'nvme0n1p1', type: 'part', fstype: 'vfat', size: 536870912, mountpoint: '/boot/efi'},
        {
          name: 'nvme0n1p2',
          kname: 'nvme0n1p2',
          type: 'part',
          fstype: 'crypto_LUKS',
          size: 999666401280,
          mountpoint: null,
          children: [
            {
              name: 'cryptroot',
              kname: 'dm-0',
              type: 'crypt',
              fstype: 'LVM2_member',
              size: 999649624064,
              mountpoint: null,
              children: [
                {name: 'vg-root', kname: 'dm-1', type: 'lvm', fstype: 'ext4', size: 900000000000, mountpoint: '/'},
                {name: 'vg-swap', kname: 'dm-2', type: 'lvm', fstype: 'swap', size: 8589934592, mountpoint: '[SWAP]'},
              ],
            },
          ],
        },
      ],
    },
    {name: 'sda', kname: 'sda', type: 'disk', fstype: 'xfs', size: 4000787030016, mountpoint: '/data'},
  ],
})

describe('parseLsblk', () => {
  it('marks devices on a dm-crypt mapping as encrypted, and others not', () => {
    const devices = parseLsblk(LSBLK)
    const byName = Object.fromEntries(devices.map((d) => [d.name, d]))
    expect(byName['vg-root'].encrypted).toBe(true)
    expect(byName.cryptroot.encrypted).toBe(true)
    expect(byName.nvme0n1p2.encrypted).toBe(false)
    expect(byName.nvme0n1p1.encrypted).toBe(false)
    expect(byName.sda).toMatchObject({encrypted: false, mountpoint: '/data', fsType: 'xfs', sizeBytes: 4000787030016})
  })
})

describe('parseSwaps', () => {
  const devices = parseLsblk(LSBLK)
  const swaps = (rows: string) => parseSwaps(`Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n${rows}`, devices)

  it('judges a swap partition on dm-crypt as encrypted', () => {
    expect(swaps('/dev/dm-2 partition 8388604 0 -2\n')[0]).toMatchObject({
      path: '/dev/dm-2',
      encrypted: true,
      sizeBytes: 8388604 * 1024,
    })
  })

  it('judges a swap file by the filesystem that holds it', () => {
    expect(swaps('/data/swapfile file 1048572 0 -2\n')[0].encrypted).toBe(false)
    expect(swaps('/swapfile file 1048572 0 -2\n')[0].encrypted).toBe(true)
  })

  it('says zram lives in memory', () => {
    const [zram] = swaps('/dev/zram0 partition 4194300 0 100\n')
    expect(zram.encrypted).toBeNull()
    expect(zram.note).toMatch(/memory/)
  })

  it('returns no areas when swap is off', () => {
    expect(swaps('')).toEqual([])
  })
})
