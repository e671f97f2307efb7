/**
 * llmsec as a library: each domain's public API under its own name, so that names the domains
 * share (Severity, Finding, …) stay apart. The CLI is one user of these; nothing here prints.
 *
 *   import {scan, artifacts} from 'llmsec'
 *   const result = await scan.scanPaths(['./model.pt'])
 */
export * as artifacts from './artifacts/index.js'
export * as audit from './audit/index.js'
export * as reports from './audit/reports/index.js'
export * as crypto from './crypto/index.js'
export * as hardware from './hardware/index.js'
export * as inference from './inference/index.js'
export * as init from './init/index.js'
export * as network from './network/index.js'
export * as scan from './scan/index.js'
export {ExitCode, LlmsecError} from './core/errors.js'
export {ERROR_CODES, type LlmsecErrorCode} from './cli/error-codes.js'
export {
  configSearchPaths,
  loadConfig,
  type ConfigLocation,
  type LlmsecConfig,
  type LoadedConfig,
} from './core/config.js'
export {formatDuration, parseDuration, type DurationUnit} from './core/duration.js'
export type {OnProgress} from './core/progress.js'
export {atLeast, compareSeverity, mostSevereFirst, SEVERITIES, worstSeverity, type Severity} from './core/severity.js'
export {isLoopbackAddress, isWildcardAddress, parseIpAddress} from './core/net.js'
export {globToRegExp, matchesGlob} from './core/glob.js'
export {compareDebianVersions, compareVersions, parseVersion} from './core/version.js'
export {formatBytes} from './core/format.js'
