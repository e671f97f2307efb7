import {createSocket, type Socket} from 'node:dgram'
import {createServer, type AddressInfo, type Server} from 'node:net'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {
  DEFAULT_EGRESS_TARGETS,
  isAllowed,
  parseAllowEntry,
  parseEgressTarget,
  probeEgress,
  selectEgressTargets,
} from '../../../src/network/index.js'

describe('egress targets', () => {
  it('parses host:port, [v6]:port and dns: targets', () => {
    expect(parseEgressTarget('huggingface.co:443')).toEqual({
      target: 'huggingface.co:443',
      protocol: 'tcp',
      host: 'huggingface.co',
      port: 443,
    })
    expect(parseEgressTarget('[2001:db8::1]:8443')).toMatchObject({host: '2001:db8::1', port: 8443})
    expect(parseEgressTarget('dns:9.9.9.9')).toMatchObject({protocol: 'dns', host: '9.9.9.9', port: 53})
    expect(parseEgressTarget('dns:[2001:db8::53]:5353')).toMatchObject({
      protocol: 'dns',
      host: '2001:db8::53',
      port: 5353,
    })
  })

  it.each(['huggingface.co', 'host:0', 'host:99999', ':443', 'a b:1', 'x;rm:1'])('refuses %s', (text) => {
    expect(() => parseEgressTarget(text)).toThrow(/Bad egress target/)
  })

  it('uses the defaults only when neither flags nor config name targets', () => {
    expect(selectEgressTargets(['127.0.0.1:1'], ['10.0.0.1:2'])).toMatchObject({
      defaults: false,
      targets: [{host: '127.0.0.1'}],
    })
    expect(selectEgressTargets([], ['10.0.0.1:2'])).toMatchObject({defaults: false, targets: [{host: '10.0.0.1'}]})
    const fallback = selectEgressTargets()
    expect(fallback.defaults).toBe(true)
    expect(fallback.targets.map((t) => t.target)).toEqual([...DEFAULT_EGRESS_TARGETS])
  })

  it('matches allow entries by name, address, network and port', () => {
    const target = parseEgressTarget('mirror.internal:443')
    expect(isAllowed(target, [parseAllowEntry('mirror.internal:443')])).toBe(true)
    expect(isAllowed(target, [parseAllowEntry('MIRROR.internal:*')])).toBe(true)
    expect(isAllowed(target, [parseAllowEntry('mirror.internal')])).toBe(true)
    expect(isAllowed(target, [parseAllowEntry('mirror.internal:80')])).toBe(false)
    expect(isAllowed(target, [parseAllowEntry('10.0.0.0/8:443')], '10.2.3.4')).toBe(true)
    expect(isAllowed(target, [parseAllowEntry('10.0.0.0/8:443')], '11.2.3.4')).toBe(false)
    expect(isAllowed(parseEgressTarget('[2001:db8::5]:443'), [parseAllowEntry('[2001:db8::/32]:443')])).toBe(true)
    expect(isAllowed(parseEgressTarget('dns:1.1.1.1'), [parseAllowEntry('1.1.1.1:53')])).toBe(true)
    expect(isAllowed(parseEgressTarget('1.1.1.1:53'), [parseAllowEntry('dns:1.1.1.1:53')])).toBe(false)
    expect(() => parseAllowEntry('host:port')).toThrow(/Bad allow entry/)
  })
})

describe('probeEgress against real listeners on 127.0.0.1', () => {
  let server: Server
  let closedPort: number
  let openPort: number
  let resolver: Socket
  let dnsPort: number

  beforeAll(async () => {
    server = createServer((c) => c.end())
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    openPort = (server.address() as AddressInfo).port
    const spare = createServer()
    await new Promise<void>((resolve) => spare.listen(0, '127.0.0.1', resolve))
    closedPort = (spare.address() as AddressInfo).port
    await new Promise((resolve) => spare.close(resolve))
    resolver = createSocket('udp4')
    resolver.on('message', (message, peer) => {
      const answer = Buffer.from(message)
      answer[2] |= 0x80
      resolver.send(answer, peer.port, peer.address)
    })
    await new Promise<void>((resolve) => resolver.bind(0, '127.0.0.1', resolve))
    dnsPort = resolver.address().port
  })

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve))
    resolver.close()
  })

  it('reports reachable, refused and DNS answers, with allowlist and violations', async () => {
    const targets = [`127.0.0.1:${openPort}`, `127.0.0.1:${closedPort}`, `dns:127.0.0.1:${dnsPort}`].map(
      parseEgressTarget,
    )
    const report = await probeEgress({targets, allow: [`127.0.0.1:${openPort}`], timeoutMs: 2000, concurrency: 2})
    expect(report.targets.map((t) => [t.reachable, t.allowed, t.error])).toEqual([
      [true, true, null],
      [false, false, 'connection refused'],
      [true, false, null],
    ])
    expect(report.targets[0].latencyMs).toBeGreaterThanOrEqual(0)
    expect(report.violations).toContain(`dns:127.0.0.1:${dnsPort}`)
    expect(report.violations).not.toContain(`127.0.0.1:${openPort}`)
  })

  it('times out on a DNS port that never answers, within the timeout', async () => {
    const silent = createSocket('udp4')
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve))
    const started = Date.now()
    const report = await probeEgress({
      targets: [parseEgressTarget(`dns:127.0.0.1:${silent.address().port}`)],
      timeoutMs: 300,
    })
    silent.close()
    expect(report.targets[0]).toMatchObject({reachable: false, error: 'no DNS answer within 300 ms'})
    expect(Date.now() - started).toBeLessThan(3000)
  })
})
