import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {execa, type ResultPromise} from 'execa'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCliJson} from '../../helpers/cli.js'
import {skipReason} from '../../helpers/env.js'

// A process whose argv looks like llama.cpp's server (…/llama-server), so `llmsec inventory`
// classifies it, serving a few llama.cpp routes on a random loopback port.
const FAKE_LLAMA_SERVER = `
const http = require('node:http')
const send = (res, body) => { res.writeHead(200, {'content-type': 'application/json'}); res.end(JSON.stringify(body)) }
const server = http.createServer((req, res) => {
  let raw = ''
  req.on('data', (c) => (raw += c))
  req.on('end', () => {
    if (req.url === '/props') return send(res, {default_generation_settings: {}, build_info: 'b9999-test'})
    if (req.url === '/v1/models') return send(res, {data: [{id: 'fake'}]})
    if (req.url === '/v1/chat/completions' && req.method === 'POST') {
      return send(res, {choices: [{message: {content: 'hello'}}], usage: {prompt_tokens: 1, completion_tokens: 1}})
    }
    res.writeHead(404); res.end()
  })
})
server.listen(0, '127.0.0.1', () => console.log(server.address().port))
setTimeout(() => process.exit(0), 120000)
`

type Report = {target: {location: string}; server: {kind: string; version: string | null}}

describe.skipIf(skipReason(process.platform !== 'linux', 'runtime discovery reads /proc (Linux only)'))(
  'smoke with no target uses the runtimes inventory finds',
  () => {
    let dir: string
    let child: ResultPromise | undefined
    let port = 0
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'llmsec-discover-'))
      await writeFile(join(dir, 'llama-server'), FAKE_LLAMA_SERVER)
      await writeFile(join(dir, 'empty.yaml'), '')
      child = execa(process.execPath, [join(dir, 'llama-server')], {reject: false})
      port = await new Promise<number>((resolve, reject) => {
        child?.stdout?.once('data', (chunk: Buffer) => resolve(Number(String(chunk).trim())))
        child?.once('exit', () => reject(new Error('the fake llama-server exited')))
      })
    })
    afterAll(async () => {
      if (child?.pid) process.kill(child.pid)
      await rm(dir, {recursive: true, force: true})
    })

    it('finds the listening llama-server and smoke-tests it through loopback', async () => {
      const run = await runCliJson<Report | {targets: Report[]}>(
        ['smoke', '--config', join(dir, 'empty.yaml'), '--burst', '2', '--timeout', '10s'],
        {timeoutMs: 120_000},
      )
      const reports = 'targets' in run.json ? run.json.targets : [run.json]
      const ours = reports.find((r) => r.target.location === `http://127.0.0.1:${port}`)
      expect(ours, run.stdout.slice(0, 500)).toBeDefined()
      expect(ours?.server).toEqual({kind: 'llama.cpp', version: 'b9999-test'})
    })
  },
)
