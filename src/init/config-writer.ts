import {dirname} from 'node:path'

import {stringify} from 'yaml'

import {configSchema, type LlmsecConfig} from '../core/config.js'
import {ensureDirectory, refuseExisting, writeFileAtomic} from '../core/fs.js'
import {parseYaml} from '../core/yaml.js'
import type {Discovered} from './discover.js'

/** The answers of `llmsec init` (from prompts, or the defaults with --yes). */
export interface InitAnswers {
  modelDirs: string[]
  endpoints: string[]
  rulesets: string[]
  publicKey?: string
  egressAllow: string[]
}

/** What --yes writes: everything found, the baseline ruleset, no key, an empty allowlist. */
export function defaultAnswers(found: Discovered): InitAnswers {
  return {
    modelDirs: found.modelDirs,
    endpoints: found.endpoints.map((e) => e.url),
    rulesets: found.rulesets.includes('baseline') ? ['baseline'] : found.rulesets.slice(0, 1),
    egressAllow: [],
  }
}

/** Builds the configuration object; empty sections are left out. */
export function buildConfig(answers: InitAnswers): LlmsecConfig {
  const config: LlmsecConfig = {}
  if (answers.modelDirs.length) config.models = {paths: answers.modelDirs}
  if (answers.endpoints.length) config.endpoints = answers.endpoints.map((url) => ({url}))
  if (answers.rulesets.length) config.rulesets = answers.rulesets
  if (answers.publicKey) config.signing = {publicKey: answers.publicKey}
  config.egress = {allow: answers.egressAllow}
  return config
}

const HEADER = `# llmsec configuration, written by \`llmsec init\`. Keys: docs/config.md.
# models.paths: extra model directories · endpoints: inference servers to probe
# rulesets: default rulesets of \`llmsec audit\` · signing.publicKey: trust root of \`llmsec verify\`
# egress.allow: host:port destinations this host may reach
`

/** The YAML text of a configuration, checked against the config schema before anything is written. */
export function renderConfig(config: LlmsecConfig, file: string): string {
  const text = `${HEADER}${stringify(config, {lineWidth: 0})}`
  parseYaml(text, file, configSchema) // throws (exit 2, file:line:column) if we ever produced an invalid file
  return text
}

/**
 * Writes llmsec.yaml atomically, creating its directory (with `dirMode`, e.g. 0700 for a user's
 * configuration directory as the XDG spec asks). An existing file is replaced only with
 * `overwrite` (the command sets it after --force or a confirmed prompt).
 */
export async function writeConfig(
  file: string,
  config: LlmsecConfig,
  overwrite: boolean,
  dirMode = 0o755,
): Promise<void> {
  const text = renderConfig(config, file)
  await ensureDirectory(dirname(file), dirMode, file)
  await refuseExisting([file], overwrite)
  await writeFileAtomic(file, text, {exclusive: !overwrite})
}
