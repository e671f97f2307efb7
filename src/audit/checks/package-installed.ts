import {compareDebianVersions} from '../../core/version.js'
import {defineCheck, guardUnreadable, outcome, type CheckOutcome} from '../check.js'
import type {PackagesFact} from '../facts/index.js'

interface Params {
  names: string[]
  expect?: 'present' | 'absent'
  minVersion?: string
}

function judgePackages(packages: PackagesFact['packages'], params: Params): CheckOutcome {
  const installed = params.names.flatMap((n) => packages.get(n) ?? [])
  const listed = installed.map((p) => `${p.name} ${p.version} is installed`)
  if ((params.expect ?? 'present') === 'absent') {
    return installed.length ? outcome.fail(listed) : outcome.pass([`${params.names.join(', ')}: not installed`])
  }
  if (!installed.length) return outcome.fail([`none of ${params.names.join(', ')} is installed`])
  const min = params.minVersion
  if (min) {
    const ok = installed.filter((p) => compareDebianVersions(p.version, min) >= 0)
    if (!ok.length) return outcome.fail(listed.map((l) => `${l}; need ≥ ${min}`))
  }
  return outcome.pass(listed)
}

export const check = defineCheck<Params>()({
  id: 'package-installed',
  title: 'A package is installed (in a version range) or absent',
  limits:
    "Only dpkg's package records: software installed from source, pip, a tarball or inside containers is not seen, and an installed package says nothing of its configuration.",
  description: 'Reads dpkg status; with several names, one installed package suffices for "present".',
  appliesWhen: ['debian'],
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['names'],
    properties: {
      names: {type: 'array', minItems: 1, items: {type: 'string', pattern: '^[a-z0-9][a-z0-9+.-]*$'}},
      expect: {type: 'string', enum: ['present', 'absent'], nullable: true},
      minVersion: {type: 'string', minLength: 1, nullable: true},
    },
  },
  async run({facts, params}) {
    const {packages, unreadable} = await facts.get('packages')
    return guardUnreadable(judgePackages(packages, params), unreadable)
  },
})
