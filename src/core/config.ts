import {homedir} from 'node:os'
import {join, resolve} from 'node:path'

import {pathExists} from './fs.js'
import {loadYamlFile} from './yaml.js'

/** The llmsec.yaml configuration file (documented in docs/config.md). */
export interface LlmsecConfig {
  /** Extra directories that hold model files. */
  models?: {paths?: string[]}
  /** Inference endpoints to smoke-test and benchmark. */
  endpoints?: {url: string; apiKeyEnv?: string; model?: string}[]
  /** Default rulesets for `llmsec audit`. */
  rulesets?: string[]
  /** Trust material for `llmsec verify`. */
  signing?: {publicKey?: string; certChain?: string[]; privateKey?: string; certificate?: string}
  /** Egress probe targets and allowlist (host:port). */
  egress?: {targets?: string[]; allow?: string[]; timeoutMs?: number}
  /** Extra inference ports to judge in `llmsec firewall`. */
  inferencePorts?: {port: number; service: string}[]
  /** Waivers file for `llmsec audit`. */
  waivers?: string
}

const stringList = {type: 'array', items: {type: 'string', minLength: 1}}

/** JSON Schema of llmsec.yaml; unknown keys are errors so typos do not pass silently. */
export const configSchema = {
  type: ['object', 'null'],
  additionalProperties: false,
  properties: {
    models: {type: 'object', additionalProperties: false, properties: {paths: stringList}},
    endpoints: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['url'],
        properties: {
          url: {type: 'string', pattern: '^https?://'},
          apiKeyEnv: {type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$'},
          model: {type: 'string'},
        },
      },
    },
    rulesets: stringList,
    signing: {
      type: 'object',
      additionalProperties: false,
      properties: {
        publicKey: {type: 'string'},
        certChain: stringList,
        privateKey: {type: 'string'},
        certificate: {type: 'string'},
      },
    },
    egress: {
      type: 'object',
      additionalProperties: false,
      properties: {
        targets: stringList,
        allow: stringList,
        timeoutMs: {type: 'integer', minimum: 1, maximum: 600_000},
      },
    },
    inferencePorts: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['port', 'service'],
        properties: {port: {type: 'integer', minimum: 1, maximum: 65_535}, service: {type: 'string'}},
      },
    },
    waivers: {type: 'string'},
  },
} as const

export interface LoadedConfig {
  config: LlmsecConfig
  /** The file it came from, or null when no config file exists. */
  file: string | null
}

/** Default search order: ./llmsec.yaml, then ~/.config/llmsec/config.yaml. */
export function defaultConfigPaths(cwd = process.cwd(), home = homedir()): string[] {
  return [join(cwd, 'llmsec.yaml'), join(home, '.config', 'llmsec', 'config.yaml')]
}

/**
 * Loads the configuration. An explicit path must exist; otherwise the first default path
 * that exists is used, and no file at all means an empty configuration.
 */
export async function loadConfig(explicit?: string): Promise<LoadedConfig> {
  const candidates = explicit ? [resolve(explicit)] : defaultConfigPaths()
  for (const file of candidates) {
    if (!explicit && !(await pathExists(file))) continue
    const {data} = await loadYamlFile<LlmsecConfig | null>(file, configSchema)
    return {config: data ?? {}, file}
  }
  return {config: {}, file: null}
}
