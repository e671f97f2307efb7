export {isLoopbackAddress, isWildcardAddress, listListeningSockets, parseProcNet} from './sockets.js'
export type {ListeningSocket, SocketScan} from './sockets.js'
