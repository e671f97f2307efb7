import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {Worker} from 'node:worker_threads'

import {afterAll, describe, expect, it} from 'vitest'

import {startThread, warmThreads} from '../../../src/core/thread.js'
import {runCli} from '../../helpers/cli.js'

const hashPoolUrl = new URL('../../../src/artifacts/hash-pool.ts', import.meta.url).href
const started: Worker[] = []
afterAll(() => Promise.all(started.map((w) => w.terminate())))

/** Hashes a small file on `worker` and resolves with its digest. */
async function hashOn(worker: Worker, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    worker.on('message', (m: {type: string; digest?: string; message?: string}) => {
      if (m.type === 'done') resolve(m.digest!)
      else if (m.type === 'error') reject(new Error(m.message))
    })
    worker.postMessage({id: 0, path, algorithm: 'sha256', start: 0})
  })
}

describe('warm threads', () => {
  it('hands a warm thread to the next startThread of its module, once, and only without resource limits', async () => {
    const [warm] = warmThreads(hashPoolUrl, 'hash-worker', 1)
    started.push(warm)
    const limited = startThread(hashPoolUrl, 'hash-worker', {maxOldGenerationSizeMb: 64})
    started.push(limited)
    expect(limited).not.toBe(warm)
    const other = startThread(new URL('../../../src/scan/scan-pool.ts', import.meta.url).href, 'hash-worker')
    other.on('error', () => undefined)
    started.push(other)
    expect(other).not.toBe(warm)
    const taken = startThread(hashPoolUrl, 'hash-worker')
    expect(taken).toBe(warm)
    const fresh = startThread(hashPoolUrl, 'hash-worker')
    started.push(fresh)
    expect(fresh).not.toBe(warm)
    const dir = await mkdtemp(join(tmpdir(), 'llmsec-thread-'))
    try {
      await writeFile(join(dir, 'a'), 'abc')
      const abc = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
      expect(await hashOn(taken, join(dir, 'a'))).toBe(abc)
      expect(await hashOn(fresh, join(dir, 'a'))).toBe(abc)
    } finally {
      await rm(dir, {recursive: true, force: true})
    }
  })

  it('forgets a warm thread that failed before it was taken, without an unhandled error', async () => {
    const [broken] = warmThreads(hashPoolUrl, 'no-such-worker', 1)
    await new Promise((resolve) => broken.once('exit', resolve))
    const next = startThread(hashPoolUrl, 'no-such-worker')
    next.on('error', () => undefined)
    started.push(next)
    expect(next).not.toBe(broken)
  })

  it('an untaken warm thread does not keep the CLI alive: verify of a missing path exits 2 at once', async () => {
    const run = await runCli(['verify', '/nonexistent/model', '--key', '/nonexistent/key.pem'], {timeoutMs: 20_000})
    expect(run.exitCode).toBe(2)
    expect(run.stderr).toMatch(/does not exist/)
  })
})
