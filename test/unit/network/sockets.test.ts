import {mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it, vi} from 'vitest'

const fsCalls = vi.hoisted(() => ({readlink: 0}))
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>()
  return {
    ...real,
    readlinkSync: (...args: Parameters<typeof real.readlinkSync>) => {
      fsCalls.readlink++
      return real.readlinkSync(...args)
    },
  }
})

import {listListeningSockets, parseProcNet} from '../../../src/network/index.js'

const HEADER = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n'

describe('parseProcNet', () => {
  it('decodes IPv4 listeners and skips established connections', () => {
    const text =
      HEADER +
      '   0: 00000000:2CAA 00000000:0000 0A 00000000:00000000 00:00000000 00000000   999        0 4242 1 0 100 0 0 10 0\n' +
      '   1: 0100007F:1F40 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4243 1 0 100 0 0 10 0\n' +
      '   2: 0100007F:1F40 0100007F:C000 01 00000000:00000000 00:00000000 00000000  1000        0 4244 1 0 100 0 0 10 0\n'
    const sockets = parseProcNet(text, 'tcp')
    expect(sockets.map((s) => [s.address, s.port, s.wildcard, s.loopback, s.uid, s.inode])).toEqual([
      ['0.0.0.0', 11434, true, false, 999, 4242],
      ['127.0.0.1', 8000, false, true, 1000, 4243],
    ])
  })

  it('decodes IPv6 wildcard, loopback and v4-mapped addresses', () => {
    const line = (hex: string, port: string) =>
      `   0: ${hex}:${port} 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 77 1 0\n`
    const sockets = parseProcNet(
      HEADER +
        line('00000000000000000000000000000000', '1F90') +
        line('00000000000000000000000001000000', '2CAA') +
        line('0000000000000000FFFF00000100007F', '0050'),
      'tcp6',
    )
    expect(sockets.map((s) => [s.address, s.port, s.wildcard, s.loopback])).toEqual([
      ['::', 8080, true, false],
      ['::1', 11434, false, true],
      ['::ffff:127.0.0.1', 80, false, true],
    ])
  })

  it('ignores garbage lines', () => {
    expect(parseProcNet(`${HEADER}nonsense\n  0: ZZZ:1 0:0 0A\n`, 'tcp')).toEqual([])
  })

  it('finds a real listener of this process with its pid', async () => {
    const net = await import('node:net')
    const server = net.createServer()
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const port = (server.address() as {port: number}).port
    try {
      const {sockets} = await listListeningSockets()
      const mine = sockets.find((s) => s.port === port && s.protocol === 'tcp')
      expect(mine).toMatchObject({address: '127.0.0.1', loopback: true, pid: process.pid})
    } finally {
      server.close()
    }
  })

  /** A /proc of one process (pid 123, "ollama") holding socket inode 4242 on fd 3; `listening` puts it in net/tcp. */
  function fakeProc(listening: boolean): string {
    const proc = mkdtempSync(join(tmpdir(), 'llmsec-proc-'))
    mkdirSync(join(proc, 'net'))
    const line =
      '   0: 00000000:2CAA 00000000:0000 0A 00000000:00000000 00:00000000 00000000   999        0 4242 1 0 100 0 0 10 0\n'
    writeFileSync(join(proc, 'net', 'tcp'), HEADER + (listening ? line : ''))
    for (const table of ['tcp6', 'udp', 'udp6']) writeFileSync(join(proc, 'net', table), HEADER)
    mkdirSync(join(proc, '123', 'fd'), {recursive: true})
    writeFileSync(join(proc, '123', 'comm'), 'ollama\n')
    symlinkSync('socket:[4242]', join(proc, '123', 'fd', '3'))
    symlinkSync('/dev/null', join(proc, '123', 'fd', '0'))
    return proc
  }

  it('names the process holding a listening socket from its /proc fd links', async () => {
    const proc = fakeProc(true)
    try {
      const scan = await listListeningSockets({procRoot: proc})
      expect(scan.sockets).toMatchObject([{address: '0.0.0.0', port: 11434, inode: 4242, pid: 123, process: 'ollama'}])
      expect(scan).toMatchObject({unreadable: [], ownersIncomplete: false})
    } finally {
      rmSync(proc, {recursive: true, force: true})
    }
  })

  it('reads no /proc fd link when nothing listens', async () => {
    const proc = fakeProc(false)
    try {
      fsCalls.readlink = 0
      const scan = await listListeningSockets({procRoot: proc})
      expect(scan.sockets).toEqual([])
      expect(fsCalls.readlink).toBe(0)
    } finally {
      rmSync(proc, {recursive: true, force: true})
    }
  })
})
