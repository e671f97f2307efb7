import type {RuntimeId} from '../../hardware/index.js'
import {noServices, RUNTIMES_PARAM, servicesOf, withEnvironment} from '../check-helpers.js'
import {defineCheck, guardUnreadable, outcome} from '../check.js'
import type {InferenceService} from '../facts/index.js'
import {withFix} from '../fixes.js'
import {environmentFix} from '../service-fixes.js'

interface Params {
  variable: string
  forbidden?: string[]
  required?: string[]
  runtimes?: RuntimeId[]
  /** Result when a service does not set the variable (default: pass with forbidden, fail with required). */
  unset?: 'pass' | 'fail'
}

export const check = defineCheck<Params>()({
  id: 'inference-env',
  title: 'An environment variable of inference services is set safely',
  description:
    'Reads the environment of inference units (Environment=, EnvironmentFile=) and processes; fails on a forbidden value or a missing required one.',
  appliesWhen: ['inference-runtime'],
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['variable'],
    properties: {
      variable: {type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$'},
      forbidden: {type: 'array', items: {type: 'string'}, nullable: true},
      required: {type: 'array', items: {type: 'string'}, nullable: true},
      runtimes: RUNTIMES_PARAM,
      unset: {type: 'string', enum: ['pass', 'fail'], nullable: true},
    },
  },
  async run({facts, params}) {
    const {services, unreadable} = await servicesOf(facts, params.runtimes)
    if (!services.length) return noServices(params.runtimes, unreadable)
    const unset = params.unset ?? (params.required?.length ? 'fail' : 'pass')
    const results: {status: 'pass' | 'fail'; line: string; location: string; service: InferenceService}[] = []
    const {known, unreadable: hidden} = withEnvironment(services)
    for (const s of known) {
      const value = s.environment[params.variable]
      const where = `${s.runtime} (${s.location})`
      if (value === undefined) {
        results.push({status: unset, line: `${where}: ${params.variable} is not set`, location: s.location, service: s})
        continue
      }
      const forbidden = params.forbidden?.includes(value) ?? false
      const missing = params.required?.length ? !params.required.includes(value) : false
      results.push({
        status: forbidden || missing ? 'fail' : 'pass',
        line: `${where}: ${params.variable}=${value}`,
        location: s.location,
        service: s,
      })
    }
    const worst = results.find((r) => r.status === 'fail')
    const lines = results.map((r) => r.line)
    // A required value, or an empty one for a forbidden value (the runtime's default then applies).
    const value = params.required?.[0] ?? ''
    const failing = results.filter((r) => r.status === 'fail').map((r) => r.service)
    const verdict = worst
      ? withFix(outcome.fail(lines, worst.location), await environmentFix(facts, failing, params.variable, value))
      : outcome.pass(lines)
    return guardUnreadable(verdict, [...unreadable, ...hidden], true)
  },
})
