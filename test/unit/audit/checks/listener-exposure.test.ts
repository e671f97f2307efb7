import {createServer} from 'node:net'

import {afterAll} from 'vitest'

import {check} from '../../../../src/audit/checks/listener-exposure.js'
import {checkTester} from '../../../helpers/check-tester.js'

// A real listener of this process on 127.0.0.1, found through the real socket table.
const server = createServer()
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
const port = (server.address() as {port: number}).port
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

checkTester.run(check, {
  valid: [
    {
      name: 'no ports given and only a non-catalog port open',
      facts: {sockets: [{protocol: 'tcp', address: '0.0.0.0', port: 22, inode: 2, pid: null, process: null}]},
    },
    {
      name: 'a real listener on 127.0.0.1, named with its process',
      params: {ports: [port]},
      evidence: [new RegExp(`^127\\.0\\.0\\.1:${port}/tcp .*pid ${process.pid}.*is loopback only`)],
    },
  ],
  invalid: [
    {
      name: 'a socket on a non-loopback address',
      status: 'fail',
      params: {ports: [11434]},
      facts: {sockets: [{protocol: 'tcp6', address: '::', port: 11434, inode: 1, pid: 42, process: 'ollama'}]},
      evidence: [':::11434/tcp6 (ollama, pid 42; Ollama) is reachable from the network'],
    },
    {
      name: 'no ports given: every default port of the runtime catalog is watched',
      status: 'fail',
      facts: {
        sockets: [
          {protocol: 'tcp', address: '0.0.0.0', port: 8265, inode: 1, pid: null, process: null},
          {protocol: 'tcp', address: '0.0.0.0', port: 22, inode: 2, pid: null, process: null},
          {protocol: 'tcp', address: '127.0.0.1', port: 6333, inode: 3, pid: null, process: null},
        ],
      },
      evidence: ['0.0.0.0:8265/tcp (Ray dashboard and Jobs API) is reachable from the network'],
    },
  ],
  invalidParams: [{ports: []}, {ports: [0]}],
})
