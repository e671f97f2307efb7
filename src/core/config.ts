import {stat} from 'node:fs/promises'
import {homedir} from 'node:os'
import {isAbsolute, join, resolve} from 'node:path'

import {fsError} from './errors.js'

/** The llmsec.yaml configuration file (documented in docs/config.md). */
export interface LlmsecConfig {
  /** Extra directories that hold model files. */
  models?: {paths?: string[]}
  /** Inference endpoints to smoke-test and benchmark. */
  endpoints?: {url: string; apiKeyEnv?: string; model?: string}[]
  /** Default rulesets for `llmsec audit`. */
  rulesets?: string[]
  /** Trust material for `llmsec verify` (trustRoot, identity and issuer for Sigstore keyless bundles). */
  signing?: {
    publicKey?: string
    certChain?: string[]
    privateKey?: string
    certificate?: string
    trustRoot?: string
    identity?: string
    issuer?: string
  }
  /** Egress probe targets and allowlist (host:port). */
  egress?: {targets?: string[]; allow?: string[]; timeoutMs?: number}
  /** Extra inference ports to judge in `llmsec firewall`. */
  inferencePorts?: {port: number; service: string}[]
  /**
   * Waivers for `llmsec audit` and `llmsec vulns`: a file name, or the file with the consents a
   * waiver needs (autoload the working directory's file, waive critical rules) and the longest a
   * waiver may run.
   */
  waivers?: string | {file?: string; autoload?: boolean; allowCritical?: boolean; maxDays?: number}
  /** `llmsec scan`: pickle globals ("module.name") an organisation allows beyond the built-in allowlist. */
  scan?: {allowGlobals?: string[]}
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
        trustRoot: {type: 'string'},
        identity: {type: 'string', minLength: 1},
        issuer: {type: 'string', minLength: 1},
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
    waivers: {
      type: ['string', 'object'],
      additionalProperties: false,
      properties: {
        file: {type: 'string', minLength: 1},
        autoload: {type: 'boolean'},
        allowCritical: {type: 'boolean'},
        maxDays: {type: 'integer', minimum: 1, maximum: 365},
      },
    },
    scan: {
      type: 'object',
      additionalProperties: false,
      properties: {
        allowGlobals: {type: 'array', items: {type: 'string', pattern: '^[A-Za-z_]\\w*(\\.[A-Za-z_]\\w*)+$'}},
      },
    },
  },
} as const

/** Where a configuration file sits in the search order. */
export const CONFIG_LOCATIONS = ['project', 'user', 'system'] as const
export type ConfigLocation = (typeof CONFIG_LOCATIONS)[number]

export interface ConfigCandidate {
  location: ConfigLocation
  file: string
}

export interface LoadedConfig {
  config: LlmsecConfig
  /** The file it came from, or null when no config file exists. */
  file: string | null
  /** How that file was chosen: --config, a place in the search order, or none at all. */
  source: 'flag' | ConfigLocation | 'none'
}

export interface ConfigSearchOptions {
  cwd?: string
  home?: string
  /** XDG_CONFIG_HOME and LLMSEC_SYSCONFDIR are read from here (default: process.env). */
  env?: NodeJS.ProcessEnv
}

/** An environment directory is used only when absolute, as the XDG Base Directory spec requires. */
function absoluteDir(value: string | undefined): string | undefined {
  return value && isAbsolute(value) ? value : undefined
}

/**
 * The configuration search order, first match wins: ./llmsec.yaml, then
 * $XDG_CONFIG_HOME/llmsec/config.yaml (~/.config when unset, empty or relative), then
 * /etc/llmsec/config.yaml ($LLMSEC_SYSCONFDIR replaces /etc, for images and tests).
 */
export function configSearchPaths(options: ConfigSearchOptions = {}): ConfigCandidate[] {
  const env = options.env ?? process.env
  const configHome = absoluteDir(env.XDG_CONFIG_HOME) ?? join(options.home ?? homedir(), '.config')
  const sysconfdir = absoluteDir(env.LLMSEC_SYSCONFDIR) ?? '/etc'
  return [
    {location: 'project', file: join(options.cwd ?? process.cwd(), 'llmsec.yaml')},
    {location: 'user', file: join(configHome, 'llmsec', 'config.yaml')},
    {location: 'system', file: join(sysconfdir, 'llmsec', 'config.yaml')},
  ]
}

/**
 * Whether a candidate exists. Only "no such file" means absent: a file that cannot be looked at
 * (permissions, I/O) stops the search, so a configuration is never skipped without a word.
 */
export async function configFileExists(file: string): Promise<boolean> {
  try {
    await stat(file)
    return true
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') return false
    throw fsError(error, file)
  }
}

/** The first existing file of the search order, or null. */
async function findConfigFile(options: ConfigSearchOptions = {}): Promise<ConfigCandidate | null> {
  for (const candidate of configSearchPaths(options)) if (await configFileExists(candidate.file)) return candidate
  return null
}

/**
 * Loads the configuration. An explicit path must exist; otherwise the first file of the search
 * order is used, and no file at all means an empty configuration.
 */
export async function loadConfig(explicit?: string, options: ConfigSearchOptions = {}): Promise<LoadedConfig> {
  const found = explicit
    ? {file: resolve(options.cwd ?? process.cwd(), explicit), source: 'flag' as const}
    : await findConfigFile(options).then((c) => c && {file: c.file, source: c.location})
  if (!found) return {config: {}, file: null, source: 'none'}
  // The YAML and schema libraries load only when there is a file: most runs have none.
  const {loadYamlFile} = await import('./yaml.js')
  const {data} = await loadYamlFile<LlmsecConfig | null>(found.file, configSchema)
  return {config: data ?? {}, ...found}
}
