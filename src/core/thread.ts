import {Worker, type ResourceLimits} from 'node:worker_threads'

/**
 * Threads started ahead of need (warmThreads), by the URL of their module; each with the listener
 * that drops it from here if it fails or exits before anyone takes it.
 */
const warm = new Map<string, {worker: Worker; drop: () => void}[]>()

function moduleOf(moduleUrl: string, name: string): URL {
  return new URL(`./${name}.${moduleUrl.endsWith('.ts') ? 'ts' : 'js'}`, moduleUrl)
}

/**
 * Starts the worker thread `name`, a module in the folder of `moduleUrl` (the caller's
 * import.meta.url). From dist/ it is the compiled .js there; under vitest or bin/dev.js the caller
 * is TypeScript, so the thread registers tsx's loader before importing the .ts (an --import flag
 * in execArgv is not applied to a worker's entry module on Node 20). A thread of the same module
 * started by warmThreads (without resource limits) is handed over instead, if one is waiting.
 */
export function startThread(moduleUrl: string, name: string, resourceLimits: ResourceLimits = {}): Worker {
  const waiting = Object.keys(resourceLimits).length === 0 ? warm.get(moduleOf(moduleUrl, name).href) : undefined
  const taken = waiting?.shift()
  if (taken) {
    taken.worker.off('error', taken.drop).off('exit', taken.drop).ref()
    return taken.worker
  }
  return spawn(moduleUrl, name, resourceLimits)
}

function spawn(moduleUrl: string, name: string, resourceLimits: ResourceLimits): Worker {
  const entry = moduleOf(moduleUrl, name)
  if (!moduleUrl.endsWith('.ts')) return new Worker(entry, {resourceLimits})
  const boot = `import('tsx/esm/api').then(({register}) => { register(); return import(${JSON.stringify(entry.href)}) })`
  return new Worker(boot, {eval: true, resourceLimits})
}

/**
 * Starts `count` threads of `name` now, for the next startThread calls of that module to take:
 * a thread boots in tens of milliseconds on a core that is otherwise idle while the CLI loads.
 * They do not keep the process alive, and one that fails or exits before it is taken is forgotten
 * (startThread then starts a fresh one). Returns the threads started.
 */
export function warmThreads(moduleUrl: string, name: string, count: number): Worker[] {
  const key = moduleOf(moduleUrl, name).href
  const list = warm.get(key) ?? []
  warm.set(key, list)
  for (let i = 0; i < count; i++) {
    const worker = spawn(moduleUrl, name, {})
    worker.unref()
    const entry = {
      worker,
      drop: () => {
        const at = list.indexOf(entry)
        if (at >= 0) list.splice(at, 1)
      },
    }
    worker.on('error', entry.drop).on('exit', entry.drop)
    list.push(entry)
  }
  return list.slice(-count).map((entry) => entry.worker)
}
