import {mkdtemp, readFile, rm} from 'node:fs/promises'
import https from 'node:https'
import type {AddressInfo} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {execa} from 'execa'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {smokeEndpoint} from '../../../src/inference/index.js'
import {runCli} from '../../helpers/cli.js'
import {hasTool, skipReason} from '../../helpers/env.js'

describe.skipIf(skipReason(!hasTool('openssl'), 'openssl is not installed: no certificate for the TLS test'))(
  'transport.tls against a real https server with a self-signed certificate',
  () => {
    let dir: string
    let server: https.Server
    let url: string
    const seenAuth: (string | undefined)[] = []
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'llmsec-tls-'))
      const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')]
      await execa('openssl', [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
      ])
      server = https.createServer({key: await readFile(key), cert: await readFile(cert)}, (req, res) => {
        seenAuth.push(req.headers.authorization)
        res.writeHead(200, {'content-type': 'application/json'})
        res.end(JSON.stringify({data: [{id: 'tls-model'}]}))
      })
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`
    })
    afterAll(async () => {
      server?.closeAllConnections()
      await new Promise((resolve) => server?.close(resolve))
      await rm(dir, {recursive: true, force: true})
    })

    it('refuses the endpoint without --insecure, with a hint', async () => {
      const run = await runCli(['smoke', '--endpoint', url])
      expect(run.exitCode).toBe(2)
      expect(run.stderr).toMatch(/SELF_SIGNED|certificate/i)
      expect(run.stderr).toMatch(/--insecure/)
    })

    it('fails transport.tls with --insecure, naming the verification error', async () => {
      const report = await smokeEndpoint({baseUrl: url, insecure: true, apiKey: 'sk-secret'}, {seed: 1, burst: 1})
      const tls = report.checks.find((c) => c.id === 'transport.tls')
      expect(tls?.status).toBe('fail')
      expect(tls?.evidence).toMatch(/does not verify/)
      expect(seenAuth.length).toBeGreaterThan(0)
    })
  },
)
