import {RUNTIMES} from '../hardware/index.js'
import type {Condition} from './check.js'
import type {FactCache, Unreadable} from './facts/index.js'

export interface ConditionResult {
  holds: boolean
  /** Why the condition does not hold (the not-applicable reason). */
  reason: string
  /** Inputs of the facts behind the condition that could not be read: "does not hold" is then unknown. */
  unreadable?: Unreadable[]
}

const RUNTIME_NAMES = RUNTIMES.map((r) => r.name).join(', ')

/** Evaluates one appliesWhen condition over the facts; a FactUnavailableError propagates (→ not-applicable). */
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
      const {unreadable} = await facts.get('systemd')
      const where = facts.env.live ? 'no systemd unit or process' : 'no systemd unit'
      return {
        holds: services.length > 0,
        reason: `no inference runtime found (${where} of ${RUNTIME_NAMES})`,
        unreadable,
      }
    }
    case 'systemd': {
      const systemd = await facts.get('systemd')
      if (facts.env.live) return {holds: systemd.running, reason: 'systemd is not running on this host (not PID 1)'}
      const {unreadable} = systemd
      return {holds: systemd.installed, reason: 'systemd is not installed under the root', unreadable}
    }
    case 'ssh-server': {
      const sshd = await facts.get('sshd')
      const {unreadable} = sshd
      return {holds: sshd.path !== null, reason: 'no SSH server (/etc/ssh/sshd_config is absent)', unreadable}
    }
    case 'docker': {
      const {groups, unreadable} = await facts.get('users')
      const holds = groups.some((g) => g.name === 'docker')
      return {holds, reason: 'Docker is not installed (no docker group)', unreadable}
    }
    case 'model-files': {
      const models = await facts.get('models')
      const {unreadable} = models
      return {holds: models.files.length > 0, reason: 'no model files found in the model directories', unreadable}
    }
    case 'debian': {
      const packages = await facts.get('packages')
      const {unreadable} = packages
      const reason = 'no dpkg package database (only Debian-like systems are read)'
      return {holds: packages.source === 'dpkg', reason, unreadable}
    }
  }
}
