import {closeSync, openSync, writeSync} from 'node:fs'
import {crc32} from 'node:zlib'

const MiB = 1024 * 1024
const FFFF = 0xffffffff

function zeroCrc(size: number): number {
  const chunk = Buffer.alloc(Math.min(size, 16 * MiB))
  let crc = 0
  for (let done = 0; done < size; done += chunk.length)
    crc = crc32(chunk.subarray(0, Math.min(chunk.length, size - done)), crc)
  return crc
}

function zip64Extra(values: number[]): Buffer {
  const extra = Buffer.alloc(4 + 8 * values.length)
  extra.writeUInt16LE(0x0001, 0)
  extra.writeUInt16LE(8 * values.length, 2)
  values.forEach((v, i) => extra.writeBigUInt64LE(BigInt(v), 4 + 8 * i))
  return extra
}

/**
 * Writes a PyTorch-style zip checkpoint (stored members, like torch.save) whose tensor storages are
 * holes in a sparse file: `storages` members of `storageSize` zero bytes after the real `pickles`.
 * Members or offsets past 4 GiB use zip64 records, as torch does for big checkpoints. `computeCrc: false`
 * skips hashing huge zero runs (the scanner never reads storage bytes, so their CRC is not checked);
 * `after` adds members behind the storages.
 */
export function writeSparseCheckpoint(
  path: string,
  pickles: {name: string; data: Buffer}[],
  storages: number,
  storageSize: number,
  options: {computeCrc?: boolean; after?: {name: string; data: Buffer}[]} = {},
): void {
  const fd = openSync(path, 'w')
  const central: Buffer[] = []
  let offset = 0
  let count = 0
  const add = (name: string, size: number, crc: number, data: Buffer | null) => {
    const nameBytes = Buffer.from(name)
    const big = size >= FFFF || offset >= FFFF
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(big ? 45 : 20, 4)
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(size >= FFFF ? FFFF : size, 18)
    local.writeUInt32LE(size >= FFFF ? FFFF : size, 22)
    local.writeUInt16LE(nameBytes.length, 26)
    const localExtra = size >= FFFF ? zip64Extra([size, size]) : Buffer.alloc(0)
    local.writeUInt16LE(localExtra.length, 28)
    const header = Buffer.concat([local, nameBytes, localExtra])
    writeSync(fd, header, 0, header.length, offset)
    if (data) writeSync(fd, data, 0, data.length, offset + header.length)
    const entry = Buffer.alloc(46)
    entry.writeUInt32LE(0x02014b50, 0)
    entry.writeUInt16LE(big ? 45 : 20, 4)
    entry.writeUInt16LE(big ? 45 : 20, 6)
    entry.writeUInt32LE(crc, 16)
    entry.writeUInt32LE(size >= FFFF ? FFFF : size, 20)
    entry.writeUInt32LE(size >= FFFF ? FFFF : size, 24)
    entry.writeUInt16LE(nameBytes.length, 28)
    entry.writeUInt32LE(offset >= FFFF ? FFFF : offset, 42)
    const wide = [...(size >= FFFF ? [size, size] : []), ...(offset >= FFFF ? [offset] : [])]
    const extra = wide.length > 0 ? zip64Extra(wide) : Buffer.alloc(0)
    entry.writeUInt16LE(extra.length, 30)
    central.push(entry, nameBytes, extra)
    offset += header.length + size
    count++
  }
  for (const p of pickles) add(p.name, p.data.length, crc32(p.data), p.data)
  const crc = options.computeCrc === false ? 0 : zeroCrc(storageSize)
  for (let i = 0; i < storages; i++) add(`${pickles[0].name.split('/')[0]}/data/${i}`, storageSize, crc, null)
  for (const p of options.after ?? []) add(p.name, p.data.length, crc32(p.data), p.data)
  const directory = Buffer.concat(central)
  const records: Buffer[] = [directory]
  const needs64 = offset >= FFFF
  if (needs64) {
    const eocd64 = Buffer.alloc(56)
    eocd64.writeUInt32LE(0x06064b50, 0)
    eocd64.writeBigUInt64LE(44n, 4)
    eocd64.writeUInt16LE(45, 12)
    eocd64.writeUInt16LE(45, 14)
    eocd64.writeBigUInt64LE(BigInt(count), 24)
    eocd64.writeBigUInt64LE(BigInt(count), 32)
    eocd64.writeBigUInt64LE(BigInt(directory.length), 40)
    eocd64.writeBigUInt64LE(BigInt(offset), 48)
    const locator = Buffer.alloc(20)
    locator.writeUInt32LE(0x07064b50, 0)
    locator.writeBigUInt64LE(BigInt(offset + directory.length), 8)
    locator.writeUInt32LE(1, 16)
    records.push(eocd64, locator)
  }
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(needs64 ? 0xffff : count, 8)
  end.writeUInt16LE(needs64 ? 0xffff : count, 10)
  end.writeUInt32LE(needs64 ? FFFF : directory.length, 12)
  end.writeUInt32LE(needs64 ? FFFF : offset, 16)
  records.push(end)
  const tail = Buffer.concat(records)
  writeSync(fd, tail, 0, tail.length, offset)
  closeSync(fd)
}
