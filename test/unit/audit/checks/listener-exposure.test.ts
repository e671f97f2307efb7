import {createServer, type Server} from 'node:net'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCheck} from '../../../helpers/check-context.js'

describe('listener-exposure', () => {
  let server: Server
  let port: number
  beforeAll(async () => {
    server = createServer()
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    port = (server.address() as {port: number}).port
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  it('passes for a real listener on 127.0.0.1 and names its process', async () => {
    const out = await runCheck('listener-exposure', {ports: [port]})
    expect(out.status).toBe('pass')
    expect(out.evidence[0]).toMatch(new RegExp(`^127\\.0\\.0\\.1:${port}/tcp .*is loopback only`))
    expect(out.evidence[0]).toContain(`pid ${process.pid}`)
  })

  it('fails for a socket on a non-loopback address', async () => {
    const sockets = [{protocol: 'tcp6' as const, address: '::', port: 11434, inode: 1, pid: 42, process: 'ollama'}]
    const out = await runCheck('listener-exposure', {ports: [11434]}, {facts: {sockets}})
    expect(out).toMatchObject({
      status: 'fail',
      evidence: [':::11434/tcp6 (ollama, pid 42; Ollama) is reachable from the network'],
    })
  })

  it('watches every default port of the runtime catalog when no ports are given', async () => {
    const socket = (address: string, port: number) => ({
      protocol: 'tcp' as const,
      address,
      port,
      inode: 1,
      pid: null,
      process: null,
    })
    const sockets = [socket('0.0.0.0', 8265), socket('0.0.0.0', 22), socket('127.0.0.1', 6333)]
    const out = await runCheck('listener-exposure', {}, {facts: {sockets}})
    expect(out.status).toBe('fail')
    expect(out.evidence).toEqual(['0.0.0.0:8265/tcp (Ray dashboard and Jobs API) is reachable from the network'])
    const quiet = await runCheck('listener-exposure', {}, {facts: {sockets: [socket('0.0.0.0', 22)]}})
    expect(quiet.status).toBe('pass')
  })
})
