import {createServer, type AddressInfo, type Server} from 'node:net'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCli, runCliJson} from '../helpers/cli.js'
import {expectSchema} from '../helpers/schema.js'

describe('llmsec firewall (command)', () => {
  it('prints a report that matches docs/json/firewall.schema.json', async () => {
    const {json, exitCode} = await runCliJson<{listeners: unknown[]; readable: boolean}>(['firewall'])
    expectSchema('firewall', json)
    expect([0, 1]).toContain(exitCode)
  })

  it('explains one packet as an object and several as an array, sending nothing', async () => {
    const one = await runCliJson<{packet: {remote: string}; verdict: string}>([
      'firewall',
      '--explain',
      'out:tcp:203.0.113.5:443',
    ])
    expect(one.exitCode).toBe(0)
    expectSchema('firewall', one.json)
    expect(one.json.packet.remote).toBe('203.0.113.5')
    const two = await runCliJson<unknown[]>([
      'firewall',
      '--explain',
      'out:tcp:203.0.113.5:443',
      '--explain',
      'in:udp:[2001:db8::9]:53',
    ])
    expect(two.json).toHaveLength(2)
    expectSchema('firewall', two.json)
  })

  it('refuses a malformed packet with exit 2 and one clear line', async () => {
    const json = await runCliJson<{error: {code: string; message: string}}>([
      'firewall',
      '--explain',
      'out:tcp:nowhere',
    ])
    expect(json.exitCode).toBe(2)
    expect(json.json.error.code).toBe('USAGE')
    const text = await runCli(['firewall', '--explain', 'out:tcp:nowhere'])
    expect(text.stderr.trim().split('\n')).toHaveLength(1)
    expect(text.stderr).toMatch(/Cannot read packet "out:tcp:nowhere".*out:tcp:203\.0\.113\.5:443/)
  })

  it('has help with examples', async () => {
    const {stdout} = await runCli(['firewall', '--help'])
    expect(stdout).toContain('--explain out:tcp:203.0.113.5:443')
  })
})

describe('llmsec egress (command)', () => {
  let server: Server
  let port: number

  beforeAll(async () => {
    server = createServer((c) => c.end())
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    port = (server.address() as AddressInfo).port
  })
  afterAll(() => new Promise((resolve) => server.close(resolve)))

  it('prints a report that matches docs/json/egress.schema.json; exit 1 on a violation, 0 when allowed', async () => {
    const violated = await runCliJson<{violations: string[]; defaults: boolean}>([
      'egress',
      '--target',
      `127.0.0.1:${port}`,
      '--timeout',
      '2000ms',
    ])
    expectSchema('egress', violated.json)
    expect(violated.exitCode).toBe(1)
    expect(violated.json).toMatchObject({violations: [`127.0.0.1:${port}`], defaults: false})
    const allowed = await runCliJson(['egress', '--target', `127.0.0.1:${port}`, '--allow', '127.0.0.0/8:*'])
    expectSchema('egress', allowed.json)
    expect(allowed.exitCode).toBe(0)
  })

  it('takes targets from the config instead of the defaults', async () => {
    const {mkdtemp, writeFile, rm} = await import('node:fs/promises')
    const {join} = await import('node:path')
    const {tmpdir} = await import('node:os')
    const dir = await mkdtemp(join(tmpdir(), 'llmsec-egress-'))
    try {
      await writeFile(
        join(dir, 'llmsec.yaml'),
        `egress:\n  targets: ["127.0.0.1:${port}"]\n  allow: ["127.0.0.1:${port}"]\n  timeoutMs: 1500\n`,
      )
      const run = await runCliJson<{targets: {target: string}[]; defaults: boolean; timeoutMs: number}>([
        'egress',
        '--config',
        join(dir, 'llmsec.yaml'),
      ])
      expect(run.exitCode).toBe(0)
      expect(run.json).toMatchObject({defaults: false, timeoutMs: 1500, targets: [{target: `127.0.0.1:${port}`}]})
    } finally {
      await rm(dir, {recursive: true, force: true})
    }
  })

  it('refuses a malformed target with exit 2', async () => {
    const {exitCode, stderr} = await runCli(['egress', '--target', 'no-port-here'])
    expect(exitCode).toBe(2)
    expect(stderr).toMatch(/Bad egress target "no-port-here"/)
  })

  it('has help with examples', async () => {
    const {stdout} = await runCli(['egress', '--help'])
    expect(stdout).toContain('--target huggingface.co:443')
  })
})
