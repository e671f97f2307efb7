import type {TrustOptions} from '../../artifacts/index.js'
import type {ImageConfig} from '../../image/index.js'
import type {FactMap} from './fact-map.js'

export type FactId = keyof FactMap

/** Where facts come from: a root filesystem and whether the host itself is live. */
export interface FactEnv {
  root: string
  live: boolean
  probe: boolean
  /** Whether --walk allows walking the local filesystems (the world-writable and unowned file rules). */
  walk: boolean
  /** Extra model directories (from --models or the config file). */
  modelPaths: string[]
  /** Who may sign models (llmsec.yaml `signing`): the auditor's trust, read on the auditing host. */
  trust?: ModelTrust
  /** The image audited with --image: its name and config (User, Env, Entrypoint/Cmd, ExposedPorts). */
  image?: {name: string; tags: string[]; config: ImageConfig | null}
}

/** Trust material for model signatures (the verify engine's options; paths on the auditing host). */
export type ModelTrust = Pick<TrustOptions, 'key' | 'certChain' | 'trustRoot' | 'identity' | 'issuer'>

/** Gathers one fact; `live` providers are unavailable under --root. */
export interface FactProvider<K extends FactId = FactId> {
  id: K
  live?: boolean
  gather(env: FactEnv, facts: FactCache): Promise<FactMap[K]>
}

/** Thrown when a fact cannot be known here; the engine turns it into `not-applicable` with this reason. */
export class FactUnavailableError extends Error {
  constructor(reason: string) {
    super(reason)
    this.name = 'FactUnavailableError'
  }
}

export const LIVE_ONLY_REASON = 'needs the running host; --root audits files only'

/**
 * Every fact is gathered once, lazily, and shared by all rules: the first get() starts the
 * provider and later calls (also concurrent ones) await the same promise.
 */
export class FactCache {
  readonly env: FactEnv
  private readonly providers: Map<string, FactProvider>
  private readonly pending = new Map<string, Promise<unknown>>()
  private readonly memos = new Map<string, Promise<unknown>>()
  /** How often each provider ran (tests assert each fact is gathered once). */
  readonly gatherCounts = new Map<string, number>()

  constructor(env: FactEnv, providers: FactProvider[]) {
    this.env = env
    this.providers = new Map(providers.map((p) => [p.id, p]))
  }

  get<K extends FactId>(id: K): Promise<FactMap[K]> {
    let promise = this.pending.get(id)
    if (!promise) {
      promise = this.gather(id)
      this.pending.set(id, promise)
    }
    return promise as Promise<FactMap[K]>
  }

  /**
   * The result of `work`, computed once per key for this run: several checks asking the same
   * question of the host (`sshd -T -C` for one connection) share the one answer.
   */
  once<T>(key: string, work: () => Promise<T>): Promise<T> {
    let promise = this.memos.get(key)
    if (!promise) {
      promise = work()
      this.memos.set(key, promise)
    }
    return promise as Promise<T>
  }

  private async gather<K extends FactId>(id: K): Promise<FactMap[K]> {
    const provider = this.providers.get(id) as FactProvider<K> | undefined
    if (!provider) throw new Error(`no provider for fact ${id}`)
    if (provider.live && !this.env.live) throw new FactUnavailableError(`${id} ${LIVE_ONLY_REASON}`)
    this.gatherCounts.set(id, (this.gatherCounts.get(id) ?? 0) + 1)
    return provider.gather(this.env, this)
  }
}
