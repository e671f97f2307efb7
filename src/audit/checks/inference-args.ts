import {runtimeById, type RuntimeId} from '../../hardware/index.js'
import {noServices, RUNTIMES_PARAM, servicesOf} from '../check-helpers.js'
import {defineCheck, guardUnreadable, outcome} from '../check.js'
import type {InferenceService} from '../facts/index.js'

interface Params {
  forbidden: string[]
  runtimes?: RuntimeId[]
}

/** A long flag as Python's argparse-based servers read it: vLLM and SGLang accept `_` for `-` in names. */
function normalizeFlag(word: string): string {
  if (!word.startsWith('--')) return word
  const eq = word.indexOf('=')
  const name = eq < 0 ? word : word.slice(0, eq)
  return name.replaceAll('_', '-')
}

/** clap's boolish parser: these spellings are false, every other value sets the flag. */
const FALSE_VALUES = new Set(['', '0', 'n', 'no', 'f', 'false', 'off'])

/** The variable that sets a flag for runtimes whose flags all have one (TGI: TRUST_REMOTE_CODE). */
function flagVariable(runtime: RuntimeId, flag: string): string | null {
  const flagEnv = runtimeById(runtime).flagEnv
  return flagEnv ? `${flagEnv.prefix}${flag.replace(/^--/, '').replaceAll('-', '_').toUpperCase()}` : null
}

/** How a service turns on any of the forbidden flags: on its command line or through the environment. */
function forbiddenUses(service: InferenceService, forbidden: string[]): string[] {
  const wanted = forbidden.map(normalizeFlag)
  const uses = service.args.filter((a) => wanted.includes(normalizeFlag(a)))
  for (const flag of wanted) {
    const name = flagVariable(service.runtime, flag)
    const value = name ? service.environment[name] : undefined
    if (name && value !== undefined && !FALSE_VALUES.has(value.trim().toLowerCase())) uses.push(`${name}=${value}`)
  }
  return uses
}

export const check = defineCheck<Params>()({
  id: 'inference-args',
  title: 'Inference services are not started with dangerous flags',
  /**
   * Flags are matched as the runtime's own parser reads them: argparse (vLLM, SGLang) takes
   * `--trust_remote_code` for `--trust-remote-code` and `--flag=value` for `--flag`; TGI's
   * launcher (clap, `env` on every flag) also takes TRUST_REMOTE_CODE=true from the environment.
   * Containers count with the arguments after their image.
   */
  description:
    'Reads the arguments of inference units, their containers (docker/podman run, Compose) and processes, normalised as the runtime parses them, and flag variables (TGI TRUST_REMOTE_CODE).',
  appliesWhen: ['inference-runtime'],
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['forbidden'],
    properties: {
      forbidden: {type: 'array', minItems: 1, items: {type: 'string', pattern: '^--'}},
      runtimes: RUNTIMES_PARAM,
    },
  },
  async run({facts, params}) {
    const {services, unreadable} = await servicesOf(facts, params.runtimes)
    if (!services.length) return noServices(params.runtimes, unreadable)
    const bad: string[] = []
    let location: string | undefined
    for (const s of services) {
      const uses = forbiddenUses(s, params.forbidden)
      if (uses.length) {
        bad.push(`${s.runtime} (${s.location}) is started with ${uses.join(' ')}`)
        location ??= s.location
      }
    }
    const verdict = bad.length
      ? outcome.fail(bad, location)
      : outcome.pass([`${services.length} inference services, none started with ${params.forbidden.join(', ')}`])
    return guardUnreadable(verdict, unreadable, true)
  },
})
