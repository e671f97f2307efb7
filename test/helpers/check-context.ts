import type {CheckContext, CheckOutcome} from '../../src/audit/check.js'
import {findCheck} from '../../src/audit/checks/index.js'
import {FACT_PROVIDERS, FactCache, type FactId, type FactMap, type FactProvider} from '../../src/audit/facts/index.js'

export interface ContextOptions {
  root?: string
  live?: boolean
  /** Fixed values for facts that cannot exist here (a GPU, a loaded firewall). */
  facts?: Partial<{[K in FactId]: FactMap[K]}>
  modelPaths?: string[]
}

/** A fact cache over `root` with some facts replaced by fixed values. */
export function createTestFacts(options: ContextOptions = {}): FactCache {
  const root = options.root ?? '/'
  const fixed = options.facts ?? {}
  const providers = FACT_PROVIDERS.map((provider) =>
    provider.id in fixed
      ? ({id: provider.id, gather: async () => fixed[provider.id as FactId]} as FactProvider)
      : provider,
  )
  const env = {root, live: options.live ?? root === '/', probe: false, modelPaths: options.modelPaths ?? []}
  return new FactCache(env, providers)
}

/** Runs one check's run() directly (no appliesWhen evaluation) with params. */
export async function runCheck(id: string, params: object, options: ContextOptions = {}): Promise<CheckOutcome> {
  const check = findCheck(id)
  if (!check) throw new Error(`no check ${id}`)
  const facts = createTestFacts(options)
  const ctx: CheckContext = {...facts.env, facts, params: params as Record<string, unknown>}
  return check.run(ctx)
}
