import {createRequire} from 'node:module'
import {Worker} from 'node:worker_threads'

import {afterEach, describe, expect, it} from 'vitest'

import {acquire, createWriteLock, release, withLock, writeLockView} from '../../../src/crypto/write-lock.js'

const lockModule = new URL('../../../src/crypto/write-lock.ts', import.meta.url).href
const tsx = createRequire(import.meta.url).resolve('tsx/esm/api')

/**
 * A worker thread that loads write-lock.ts through tsx and runs `body` with `lock` (the lock
 * view), `cells` (an Int32Array over workerData.cells) and `done()`.
 */
function lockWorker(body: string, data: Record<string, unknown>): Worker {
  const code = `
    const {parentPort, workerData} = require('node:worker_threads')
    require(${JSON.stringify(tsx)}).tsImport(${JSON.stringify(lockModule)}, ${JSON.stringify(lockModule)}).then((m) => {
      const lock = m.writeLockView(workerData.lock)
      const cells = new Int32Array(workerData.cells)
      const done = () => parentPort.postMessage('done')
      ${body}
    })`
  return new Worker(code, {eval: true, workerData: data})
}

const started: Worker[] = []
afterEach(async () => {
  await Promise.all(started.splice(0).map((worker) => worker.terminate()))
})

function finished(worker: Worker): Promise<void> {
  started.push(worker)
  return new Promise((resolve, reject) => {
    worker.on('message', () => resolve())
    worker.on('error', reject)
  })
}

describe('write lock', () => {
  it('is free, held, then free again; release after a throw', () => {
    const lock = writeLockView(createWriteLock())
    expect(lock[0]).toBe(0)
    acquire(lock)
    expect(lock[0]).toBe(1)
    release(lock)
    expect(lock[0]).toBe(0)
    expect(() =>
      withLock(lock, () => {
        throw new Error('boom')
      }),
    ).toThrow('boom')
    expect(lock[0]).toBe(0)
    expect(withLock(undefined, () => 7)).toBe(7)
  })

  it('makes a second thread wait until the holder releases, then lets it in', async () => {
    const buffer = createWriteLock()
    const lock = writeLockView(buffer)
    const cells = new SharedArrayBuffer(8)
    const view = new Int32Array(cells)
    acquire(lock)
    // The worker announces itself, then blocks in acquire; it records what it saw once inside.
    const worker = lockWorker(
      `Atomics.store(cells, 0, 1); m.acquire(lock); Atomics.store(cells, 1, Atomics.load(cells, 0)); m.release(lock); done()`,
      {lock: buffer, cells},
    )
    const exited = finished(worker)
    while (Atomics.load(view, 0) !== 1) await new Promise((resolve) => setTimeout(resolve, 5))
    // Until the waiter marks the lock contended, it has not reached Atomics.wait yet.
    for (let i = 0; i < 400 && Atomics.load(lock, 0) !== 2; i++) await new Promise((resolve) => setTimeout(resolve, 5))
    expect(Atomics.load(lock, 0)).toBe(2)
    expect(Atomics.load(view, 1)).toBe(0)
    Atomics.store(view, 0, 2)
    release(lock)
    await exited
    // The worker got in only after the release: it saw the value written just before it.
    expect(Atomics.load(view, 1)).toBe(2)
    expect(Atomics.load(lock, 0)).toBe(0)
  })

  it('keeps four threads out of each other', async () => {
    const buffer = createWriteLock()
    const cells = new SharedArrayBuffer(12)
    const rounds = 3000
    // A read-modify-write with a pause inside: any overlap loses updates or is seen as overlap.
    const body = `
      for (let i = 0; i < ${rounds}; i++) m.withLock(lock, () => {
        if (Atomics.add(cells, 1, 1) !== 0) Atomics.store(cells, 2, 1)
        const value = Atomics.load(cells, 0)
        for (let k = 0; k < 200; k++) Atomics.load(cells, 1)
        Atomics.store(cells, 0, value + 1)
        Atomics.sub(cells, 1, 1)
      })
      done()`
    await Promise.all([0, 1, 2, 3].map(() => finished(lockWorker(body, {lock: buffer, cells}))))
    const view = new Int32Array(cells)
    expect(view[2]).toBe(0)
    expect(view[0]).toBe(4 * rounds)
    expect(writeLockView(buffer)[0]).toBe(0)
  })
})
