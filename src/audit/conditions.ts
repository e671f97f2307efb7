import {RUNTIMES} from '../hardware/index.js'
import {modelWalkGaps} from './check-helpers.js'
import type {Condition} from './check.js'
import type {FactCache} from './facts/index.js'

export interface ConditionResult {
  holds: boolean
  /** Why the condition does not hold (the skip reason). */
  reason: string
}

const RUNTIME_NAMES = RUNTIMES.map((r) => r.name).join(', ')

/** Evaluates one appliesWhen condition over the facts; a FactUnavailableError propagates (→ skip). */
export async function evaluateCondition(condition: Condition, facts: FactCache): Promise<ConditionResult> {
  switch (condition) {
    case 'nvidia-gpu': {
      const gpus = await facts.get('gpus')
      return {
        holds: gpus.vendor === 'nvidia',
        reason: `no NVIDIA GPU on this host (${gpus.note ?? 'nvidia-smi lists none'})`,
      }
    }
    case 'inference-runtime': {
      const services = await facts.get('inference')
      const where = facts.env.live ? 'no systemd unit or process' : 'no systemd unit'
      return {holds: services.length > 0, reason: `no inference runtime found (${where} of ${RUNTIME_NAMES})`}
    }
    case 'systemd': {
      const systemd = await facts.get('systemd')
      if (facts.env.live) return {holds: systemd.running, reason: 'systemd is not running on this host (not PID 1)'}
      return {holds: systemd.installed, reason: 'systemd is not installed under the root'}
    }
    case 'ssh-server': {
      const sshd = await facts.get('sshd')
      return {holds: sshd.path !== null, reason: 'no SSH server (/etc/ssh/sshd_config is absent)'}
    }
    case 'docker': {
      const {groups} = await facts.get('users')
      return {holds: groups.some((g) => g.name === 'docker'), reason: 'Docker is not installed (no docker group)'}
    }
    case 'model-files': {
      const models = await facts.get('models')
      // Directories that could not be read may hold models: the checks run and report it.
      const holds = models.files.length > 0 || modelWalkGaps(models).length > 0
      return {holds, reason: 'no model files found in the model directories'}
    }
    case 'debian': {
      const packages = await facts.get('packages')
      return {holds: packages.source === 'dpkg', reason: 'no dpkg package database (only Debian-like systems are read)'}
    }
  }
}
