import {Worker, type ResourceLimits} from 'node:worker_threads'

/**
 * Starts the worker thread `name`, a module in the folder of `moduleUrl` (the caller's
 * import.meta.url). From dist/ it is the compiled .js there; under vitest or bin/dev.js the caller
 * is TypeScript, so the thread registers tsx's loader before importing the .ts (an --import flag
 * in execArgv is not applied to a worker's entry module on Node 20).
 */
export function startThread(moduleUrl: string, name: string, resourceLimits: ResourceLimits = {}): Worker {
  if (!moduleUrl.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, moduleUrl), {resourceLimits})
  const source = JSON.stringify(new URL(`./${name}.ts`, moduleUrl).href)
  const boot = `import('tsx/esm/api').then(({register}) => { register(); return import(${source}) })`
  return new Worker(boot, {eval: true, resourceLimits})
}
