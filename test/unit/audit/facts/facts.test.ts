import {describe, expect, it} from 'vitest'

import {iptablesConfigPolicy} from '../../../../src/audit/facts/firewall-config.js'
import {parseDpkgStatus, parseGroup} from '../../../../src/audit/facts/host.js'
import {parsePasswd} from '../../../../src/hardware/index.js'
import {detectRuntime, splitExecStart} from '../../../../src/audit/facts/inference.js'
import {parseEnviron} from '../../../../src/audit/facts/processes.js'
import {parseEnvFile, parseEnvironmentLine, parseUnit} from '../../../../src/audit/facts/systemd.js'
import {createTestFacts} from '../../../helpers/check-context.js'

describe('fact parsers', () => {
  it('parses unit files with drop-in resets, quoted Environment= and env files', () => {
    const sections = parseUnit('[Service]\nEnvironment=A=1\nExecStart=/bin/a \\\n  --x\n')
    parseUnit('[Service]\nExecStart=\nExecStart=/bin/b\n', sections)
    expect(sections.Service.ExecStart).toEqual(['/bin/b'])
    expect(sections.Service.Environment).toEqual(['A=1'])
    expect(parseEnvironmentLine('"A=1 2" B=3 \'C=x y\'')).toEqual([
      ['A', '1 2'],
      ['B', '3'],
      ['C', 'x y'],
    ])
    expect(parseEnvFile('# c\nexport K="v"\nbad line\nX=1\n')).toEqual([
      ['K', 'v'],
      ['X', '1'],
    ])
    expect(splitExecStart('-/usr/bin/ollama "serve"')).toEqual(['/usr/bin/ollama', 'serve'])
  })

  it('recognises inference runtimes from command lines', () => {
    expect(detectRuntime('/usr/local/bin/ollama serve')).toBe('ollama')
    expect(detectRuntime('python3 -m vllm.entrypoints.openai.api_server --model m')).toBe('vllm')
    expect(detectRuntime('/opt/llama.cpp/llama-server -m x.gguf')).toBe('llama.cpp')
    expect(detectRuntime('text-generation-launcher --model-id m')).toBe('tgi')
    expect(detectRuntime('/usr/bin/python3 app.py')).toBeNull()
  })

  it('judges a persisted iptables-save file with the firewall engine', () => {
    expect(
      iptablesConfigPolicy('*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -i lo -j ACCEPT\nCOMMIT\n', 4).defaultDeny,
    ).toBe(false)
    expect(iptablesConfigPolicy('*filter\n:INPUT DROP [0:0]\nCOMMIT\n', 4)).toEqual({
      defaultDeny: true,
      decidedBy: expect.stringMatching(/policy drop/i),
    })
    expect(iptablesConfigPolicy('', 4).defaultDeny).toBe(false)
  })

  it('parses passwd, group, dpkg status and environ', () => {
    expect(parsePasswd('a:x:1:2::/h:/bin/sh\n#c\nbad\n')).toEqual([
      {name: 'a', uid: 1, gid: 2, home: '/h', shell: '/bin/sh'},
    ])
    expect(parseGroup('docker:x:9:a,b\n')).toEqual([{name: 'docker', gid: 9, members: ['a', 'b']}])
    expect([
      ...parseDpkgStatus(
        'Package: a\nStatus: install ok installed\nVersion: 1\n\nPackage: b\nStatus: deinstall ok config-files\nVersion: 2\n',
      ).keys(),
    ]).toEqual(['a'])
    expect(parseEnviron('A=1\0B=x=y\0')).toEqual({A: '1', B: 'x=y'})
  })
})

describe('fact cache', () => {
  it('gathers each fact once, even for concurrent readers', async () => {
    const facts = createTestFacts({root: '/', live: true})
    await Promise.all([facts.get('users'), facts.get('users'), facts.get('inference'), facts.get('secrets')])
    expect(facts.gatherCounts.get('users')).toBe(1)
    expect(facts.gatherCounts.get('systemd')).toBe(1)
  })

  it('answers a question of the host once per key in a run (sshd -T -C per connection)', async () => {
    const facts = createTestFacts({root: '/', live: true})
    let runs = 0
    const work = async () => ++runs
    const answers = await Promise.all([facts.once('a', work), facts.once('a', work), facts.once('b', work)])
    expect(answers[0]).toBe(answers[1])
    expect(answers[2]).not.toBe(answers[0])
    expect(runs).toBe(2)
    expect(await createTestFacts({root: '/', live: true}).once('a', work)).toBe(3)
  })

  it('refuses live facts under --root with a reason', async () => {
    const facts = createTestFacts({root: '/tmp', live: false})
    await expect(facts.get('processes')).rejects.toThrow('processes needs the running host; --root audits files only')
  })

  it('finds this test process among real processes and its real listening socket', async () => {
    const {createServer} = await import('node:net')
    const server = createServer()
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const port = (server.address() as {port: number}).port
    try {
      const facts = createTestFacts({live: true})
      const sockets = await facts.get('sockets')
      expect(sockets.find((s) => s.port === port)).toMatchObject({address: '127.0.0.1', pid: process.pid})
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  })
})
