import {
  FACT_PROVIDERS,
  FactCache,
  type FactId,
  type FactMap,
  type FactProvider,
  type ModelTrust,
} from '../../src/audit/facts/index.js'

/** Fixed values for facts that cannot exist here (a GPU, a loaded firewall). */
export type FixedFacts = Partial<{[K in FactId]: FactMap[K]}>

export interface ContextOptions {
  root?: string
  live?: boolean
  probe?: boolean
  walk?: boolean
  facts?: FixedFacts
  modelPaths?: string[]
  trust?: ModelTrust
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
  const env = {
    root,
    live: options.live ?? root === '/',
    probe: options.probe ?? false,
    walk: options.walk ?? false,
    modelPaths: options.modelPaths ?? [],
    ...(options.trust ? {trust: options.trust} : {}),
  }
  return new FactCache(env, providers)
}
