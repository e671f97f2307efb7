import {listListeningSockets} from '../../network/index.js'
import type {FactProvider} from './cache.js'

/** Listening sockets of the running host, from the network engine (src/network/sockets.ts). */
export const socketsProvider: FactProvider<'sockets'> = {
  id: 'sockets',
  live: true,
  async gather() {
    const scan = await listListeningSockets({udp: true})
    return scan.sockets.map(({protocol, address, port, inode, pid, process}) => ({
      protocol,
      address,
      port,
      inode,
      pid,
      process,
    }))
  },
}
