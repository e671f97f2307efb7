import {parentPort} from 'node:worker_threads'

import {readHost, type ReadAnswer} from './read-hosts.js'

/** Reading thread entry (read-hosts.ts): reads each file it is sent and answers with its index. */
parentPort?.on('message', ({index, file}: {index: number; file: string}) => {
  let answer: ReadAnswer
  try {
    answer = {index, read: readHost(file)}
  } catch (error) {
    answer = {index, bug: error instanceof Error ? (error.stack ?? error.message) : String(error)}
  }
  parentPort?.postMessage(
    answer,
    'read' in answer && 'json' in answer.read ? [answer.read.json.buffer as ArrayBuffer] : [],
  )
})
