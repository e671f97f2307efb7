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
      evidence: [':::11434/tcp6 (ollama, pid 42) is reachable from the network'],
    },
  ],
  invalidParams: [{ports: []}, {ports: [0]}],
})
