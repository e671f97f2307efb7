import {append} from '../../core/arrays.js'
import {servicesOf} from '../check-helpers.js'
import {defineCheck, guardUnreadable, outcome, type CheckOutcome} from '../check.js'
import type {InferenceService, UnitFile} from '../facts/index.js'
import {restartUnit, unitDropIn, withFix, type Fix} from '../fixes.js'

interface Params {
  /** A [Service] directive of systemd.exec(5) or systemd.resource-control(5). */
  directive: string
  /**
   * one-of: the last assignment is one of `values` (case-insensitive); limit: set to a value other
   * than `infinity`; empty: the last assignment is the empty string (an empty capability set);
   * devices: DevicePolicy= closed or strict and every DeviceAllow= entry starts with one of `values`.
   */
  require: 'one-of' | 'limit' | 'empty' | 'devices'
  values?: string[]
  /** The drop-in lines that fix a failing unit. */
  fix: string[]
}

/** The assignments in effect (the unit parser drops earlier values at an empty assignment, as systemd does). */
const assigned = (unit: UnitFile, key: string) => unit.sections.Service?.[key] ?? []
const last = (values: string[]) => (values.length ? values[values.length - 1].trim() : undefined)

/** Why a unit's settings miss the requirement, or null when they meet it. */
function shortfall(unit: UnitFile, p: Params): string | null {
  const value = last(assigned(unit, p.directive))
  const shown = value === undefined ? 'not set' : `${p.directive}=${value}`
  switch (p.require) {
    case 'one-of':
      return value !== undefined && (p.values ?? []).some((v) => v.toLowerCase() === value.toLowerCase())
        ? null
        : `${shown}, wanted ${(p.values ?? []).join(' or ')}`
    case 'limit':
      return value && value.toLowerCase() !== 'infinity' ? null : `${shown}, wanted a limit`
    case 'empty':
      return unit.sections.Service?.[p.directive]?.length === 0
        ? null
        : `${shown}, wanted an empty set (${p.directive}=)`
    case 'devices':
      return deviceShortfall(unit, p.values ?? [])
  }
}

function deviceShortfall(unit: UnitFile, prefixes: string[]): string | null {
  const policy = last(assigned(unit, 'DevicePolicy'))
  if (policy !== 'closed' && policy !== 'strict')
    return `DevicePolicy=${policy ?? 'auto (not set)'}, wanted closed or strict`
  const wide = assigned(unit, 'DeviceAllow')
    .map((v) => v.trim())
    .filter((v) => !prefixes.some((prefix) => v.startsWith(prefix)))
  return wide.length ? `DeviceAllow=${wide.join(', ')} beyond ${prefixes.join(' ')}` : null
}

function judge(units: UnitFile[], services: InferenceService[], p: Params): CheckOutcome {
  const failing: string[] = []
  const good: string[] = []
  const fix: Fix = {edits: [], commands: [], steps: []}
  for (const s of services) {
    const unit = units.find((u) => u.path === s.location)
    if (s.source !== 'unit' || !unit) continue
    const why = shortfall(unit, p)
    const line = `${s.runtime} (${unit.path}): ${why ?? `${p.directive} as required`}`
    if (!why) {
      good.push(line)
      continue
    }
    failing.push(line)
    fix.edits.push(unitDropIn(unit.path, `sandbox-${p.directive.toLowerCase()}`, p.fix))
    append(fix.commands, restartUnit(unit.path))
  }
  if (failing.length) return withFix(outcome.fail(failing, services[0].location), fix)
  if (good.length) return outcome.pass(good)
  return outcome.notApplicable('no inference service is started by a systemd unit')
}

export const check = defineCheck<Params>()({
  id: 'inference-unit-sandbox',
  title: 'Inference units set a systemd sandboxing or resource directive',
  description:
    'Reads the [Service] section (with drop-ins) of every unit that starts an inference server; the last assignment counts.',
  appliesWhen: ['inference-runtime'],
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['directive', 'require', 'fix'],
    properties: {
      directive: {type: 'string', pattern: '^[A-Z][A-Za-z]+$'},
      require: {type: 'string', enum: ['one-of', 'limit', 'empty', 'devices']},
      values: {type: 'array', minItems: 1, items: {type: 'string', minLength: 1}, nullable: true},
      fix: {type: 'array', minItems: 1, items: {type: 'string', pattern: '^[A-Z][A-Za-z]+=.*$'}},
    },
  },
  async run({facts, params}) {
    const {services, unreadable} = await servicesOf(facts)
    const {units} = await facts.get('systemd')
    return guardUnreadable(judge(units, services, params), unreadable, true)
  },
})
