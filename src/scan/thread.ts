import {Worker, type ResourceLimits} from 'node:worker_threads'

/**
 * Starts the worker thread `name` of this folder. From dist/ it is the compiled .js beside this
 * module; under vitest or bin/dev.js this module is TypeScript, so the thread registers tsx's loader
 * before importing the .ts.
 */
export function startThread(name: string, resourceLimits: ResourceLimits = {}): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, import.meta.url), {resourceLimits})
  const source = JSON.stringify(new URL(`./${name}.ts`, import.meta.url).href)
  const boot = `import('tsx/esm/api').then(({register}) => { register(); return import(${source}) })`
  return new Worker(boot, {eval: true, resourceLimits})
}
