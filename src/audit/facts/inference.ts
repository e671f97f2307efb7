import {posix} from 'node:path'

import {classifyProcess} from '../../hardware/index.js'
import type {FactProvider} from './cache.js'
import {FactUnavailableError} from './cache.js'
import type {InferenceRuntime, InferenceService} from './fact-map.js'

/** Which catalog runtime a command line starts, if any (the inventory engine's classifier). */
export function detectRuntime(commandLine: string, comm?: string): InferenceRuntime | null {
  const argv = commandLine.split(/\s+/).filter(Boolean)
  return classifyProcess({comm: comm ?? posix.basename(argv[0] ?? ''), argv})
}

/** Splits an ExecStart= value into words (drops systemd prefixes such as - @ + !). */
export function splitExecStart(value: string): string[] {
  const words = [...value.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3])
  if (words[0]) words[0] = words[0].replace(/^[-@+!:]+/, '')
  return words
}

/**
 * Inference services: systemd units whose ExecStart starts a known runtime (read under the
 * root) and, on the live host, processes running one.
 */
export const inferenceProvider: FactProvider<'inference'> = {
  id: 'inference',
  async gather(env, facts) {
    const services: InferenceService[] = []
    for (const unit of (await facts.get('systemd')).units) {
      const exec = unit.sections.Service?.ExecStart?.at(-1)
      if (!exec) continue
      const args = splitExecStart(exec)
      const runtime = detectRuntime(args.join(' '))
      if (!runtime) continue
      const user = unit.sections.Service?.User?.at(-1) ?? (unit.sections.Service?.DynamicUser ? 'dynamic' : 'root')
      const {environment, unreadable} = unit
      services.push({runtime, source: 'unit', location: unit.path, user, environment, unreadable, args})
    }
    if (!env.live) return services
    let processes
    try {
      processes = await facts.get('processes')
    } catch (error) {
      if (error instanceof FactUnavailableError) return services
      throw error
    }
    for (const proc of processes) {
      const runtime = detectRuntime(proc.args.join(' '), proc.comm)
      if (!runtime) continue
      services.push({
        runtime,
        source: 'process',
        location: `/proc/${proc.pid}`,
        user: proc.uid === null ? null : proc.uid === 0 ? 'root' : String(proc.uid),
        environment: proc.environment ?? {},
        unreadable: proc.unreadable ? [proc.unreadable] : [],
        args: proc.args,
      })
    }
    return services
  },
}
