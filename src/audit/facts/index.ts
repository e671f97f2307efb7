import {FactCache, type FactEnv, type FactProvider} from './cache.js'
import {firewallConfigProvider, firewallProvider} from './firewall.js'
import {gpusProvider} from './gpus.js'
import {modelsProvider, osProvider, packagesProvider, shadowProvider, usersProvider} from './host.js'
import {inferenceProvider} from './inference.js'
import {auditdProvider, journaldProvider, sshdProvider} from './logging.js'
import {processesProvider} from './processes.js'
import {secretsProvider} from './secrets.js'
import {socketsProvider} from './sockets.js'
import {systemdActiveProvider, systemdProvider} from './systemd.js'

export {FactCache, FactUnavailableError, LIVE_ONLY_REASON} from './cache.js'
export type {FactEnv, FactId, FactProvider, ModelTrust} from './cache.js'
export type * from './fact-map.js'
export {
  configLines,
  formatMode,
  listDirIn,
  readTextIn,
  resolveInRoot,
  RootReader,
  statIn,
  whyUnreadable,
} from './rootfs.js'
export type {FileRead, TextFile, Unreadable} from './rootfs.js'
export {mountPoint, resolveLive, resolveOffline, type MountPoint} from './mounts.js'
export {DEFAULT_WALK_BUDGET, fileWalk, PRUNED, WALK_SAMPLE} from './file-walk.js'
export type {FileWalk, WalkFinding} from './file-walk.js'
export {parseSecurityConf, readPamStack} from './pam.js'
export type {PamLine} from './pam.js'
export {connectionSpec, effectiveValue, matchPattern, probeConnections} from './sshd-match.js'
export type {SshdConnection} from './sshd-match.js'
export {expandHome} from '../../core/root-path.js'
export {splitExecStart} from './exec-start.js'

/** Every fact provider, one per fact id. */
export const FACT_PROVIDERS: FactProvider[] = [
  osProvider,
  usersProvider,
  shadowProvider,
  packagesProvider,
  systemdProvider,
  systemdActiveProvider,
  processesProvider,
  socketsProvider,
  firewallProvider,
  firewallConfigProvider,
  gpusProvider,
  modelsProvider,
  inferenceProvider,
  secretsProvider,
  sshdProvider,
  auditdProvider,
  journaldProvider,
] as FactProvider[]

/** A fresh fact cache over the audited system. */
export function createFactCache(env: Partial<FactEnv> = {}): FactCache {
  const root = env.root ?? '/'
  return new FactCache(
    {
      root,
      live: env.live ?? root === '/',
      probe: env.probe ?? false,
      walk: env.walk ?? false,
      modelPaths: env.modelPaths ?? [],
      ...(env.trust ? {trust: env.trust} : {}),
      ...(env.image ? {image: env.image} : {}),
    },
    FACT_PROVIDERS,
  )
}
