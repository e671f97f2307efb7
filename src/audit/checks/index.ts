import type {Check} from '../check.js'
import {check as accountDatabase} from './account-database.js'
import {check as aptSecuritySource} from './apt-security-source.js'
import {check as auditdEvents} from './auditd-events.js'
import {check as auditdRules} from './auditd-rules.js'
import {check as autoUpdates} from './auto-updates.js'
import {check as configValue} from './config-value.js'
import {check as containerToolkitVulnerable} from './container-toolkit-vulnerable.js'
import {check as devicePermissions} from './device-permissions.js'
import {check as fileContent} from './file-content.js'
import {check as fileExists} from './file-exists.js'
import {check as filePermissions} from './file-permissions.js'
import {check as firewallDefaultDeny} from './firewall-default-deny.js'
import {check as filesystemWalk} from './filesystem-walk.js'
import {check as firewallPersistent} from './firewall-persistent.js'
import {check as gpuDriverVulnerable} from './gpu-driver-vulnerable.js'
import {check as gpuSetting} from './gpu-setting.js'
import {check as groupMembers} from './group-members.js'
import {check as inferenceArgs} from './inference-args.js'
import {check as inferenceAuthProbe} from './inference-auth-probe.js'
import {check as inferenceBind} from './inference-bind.js'
import {check as inferenceEnv} from './inference-env.js'
import {check as inferenceUnitSandbox} from './inference-unit-sandbox.js'
import {check as inferenceUser} from './inference-user.js'
import {check as journaldPersistent} from './journald-persistent.js'
import {check as kernelModuleDisabled} from './kernel-module-disabled.js'
import {check as listenerExposure} from './listener-exposure.js'
import {check as logForwarding} from './log-forwarding.js'
import {check as logRetention} from './log-retention.js'
import {check as macStatus} from './mac-status.js'
import {check as mlStackVulnerable} from './ml-stack-vulnerable.js'
import {check as modelEncryption} from './model-encryption.js'
import {check as modelInactive} from './model-inactive.js'
import {check as modelPermissions} from './model-permissions.js'
import {check as modelPickle} from './model-pickle.js'
import {check as modelScan} from './model-scan.js'
import {check as modelSignature} from './model-signature.js'
import {check as mountOptions} from './mount-options.js'
import {check as mtaLocalOnly} from './mta-local-only.js'
import {check as packageInstalled} from './package-installed.js'
import {check as pamFaillock} from './pam-faillock.js'
import {check as pwquality} from './pwquality.js'
import {check as resourceLimit} from './resource-limit.js'
import {check as rootPath} from './root-path.js'
import {check as secretFiles} from './secret-files.js'
import {check as securityUpdatesPending} from './security-updates-pending.js'
import {check as shellTimeout} from './shell-timeout.js'
import {check as sshdAccessList} from './sshd-access-list.js'
import {check as sshdAlgorithms} from './sshd-algorithms.js'
import {check as sshdAuthMethods} from './sshd-auth-methods.js'
import {check as sshdOption} from './sshd-option.js'
import {check as sudoers} from './sudoers.js'
import {check as sysctlValue} from './sysctl-value.js'
import {check as systemdUnit} from './systemd-unit.js'
import {check as timeSync} from './time-sync.js'
import {check as unitSecrets} from './unit-secrets.js'

/** Every check, sorted by id (a test keeps this list complete and sorted). */
export const CHECKS = [
  accountDatabase,
  aptSecuritySource,
  auditdEvents,
  auditdRules,
  autoUpdates,
  configValue,
  containerToolkitVulnerable,
  devicePermissions,
  fileContent,
  fileExists,
  filePermissions,
  filesystemWalk,
  firewallDefaultDeny,
  firewallPersistent,
  gpuDriverVulnerable,
  gpuSetting,
  groupMembers,
  inferenceArgs,
  inferenceAuthProbe,
  inferenceBind,
  inferenceEnv,
  inferenceUnitSandbox,
  inferenceUser,
  journaldPersistent,
  kernelModuleDisabled,
  listenerExposure,
  logForwarding,
  logRetention,
  macStatus,
  mlStackVulnerable,
  modelEncryption,
  modelInactive,
  modelPermissions,
  modelPickle,
  modelScan,
  modelSignature,
  mountOptions,
  mtaLocalOnly,
  packageInstalled,
  pamFaillock,
  pwquality,
  resourceLimit,
  rootPath,
  secretFiles,
  securityUpdatesPending,
  shellTimeout,
  sshdAccessList,
  sshdAlgorithms,
  sshdAuthMethods,
  sshdOption,
  sudoers,
  sysctlValue,
  systemdUnit,
  timeSync,
  unitSecrets,
] as Check[]

const BY_ID = new Map(CHECKS.map((check) => [check.id, check]))

/** The check with this id, or undefined. */
export function findCheck(id: string): Check | undefined {
  return BY_ID.get(id)
}
