import {defineCheck, outcome} from '../check.js'
import {configLines, readTextIn, whyUnreadable} from '../facts/index.js'
import {withFix} from '../fixes.js'

interface Params {
  path: string
  key: string
  values?: string[]
  /** Integer settings: the value must be at least / at most this (stricter values pass). */
  min?: number
  max?: number
  /** The value the fix writes (default: the first of `values`, else `max`, else `min`). */
  recommended?: string
  separator?: '=' | 'space'
  default?: string
  ignoreCase?: boolean
}

/** The last value of a key in a key=value or "key value" file (the common "later wins" rule). */
export function readConfigValue(
  text: string,
  key: string,
  separator: '=' | 'space',
  ignoreCase: boolean,
): string | null {
  let value: string | null = null
  const wanted = ignoreCase ? key.toLowerCase() : key
  for (const line of configLines(text)) {
    const match = separator === '=' ? /^([^=\s]+)\s*=\s*(.*)$/.exec(line) : /^(\S+)\s+(.*)$/.exec(line)
    if (!match) continue
    const name = ignoreCase ? match[1].toLowerCase() : match[1]
    if (name === wanted) value = match[2].replace(/^(["'])(.*)\1$/, '$2').trim()
  }
  return value
}

function allowed(params: Params, value: string, norm: (v: string) => string): boolean {
  if (params.values && !params.values.map(norm).includes(norm(value))) return false
  if (params.min === undefined && params.max === undefined) return true
  if (!/^-?\d+$/.test(value)) return false
  const n = Number(value)
  return (params.min === undefined || n >= params.min) && (params.max === undefined || n <= params.max)
}

const expected = (params: Params) =>
  [
    params.values?.join(' or '),
    params.min !== undefined ? `≥ ${params.min}` : undefined,
    params.max !== undefined ? `≤ ${params.max}` : undefined,
  ]
    .filter(Boolean)
    .join(', ')

export const check = defineCheck<Params>()({
  id: 'config-value',
  title: 'A configuration key has an allowed value',
  limits:
    'The value in the file the program reads, not whether it has taken effect: login.defs ageing, for one, applies to accounts created or changed later, not to existing ones.',
  description: 'Reads key=value (or "key value") files; the last assignment wins; an unset key takes `default`.',
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['path', 'key'],
    anyOf: [{required: ['values']}, {required: ['min']}, {required: ['max']}],
    properties: {
      path: {type: 'string', pattern: '^/'},
      key: {type: 'string', minLength: 1},
      values: {type: 'array', minItems: 1, items: {type: 'string'}, nullable: true},
      min: {type: 'integer', nullable: true},
      max: {type: 'integer', nullable: true},
      recommended: {type: 'string', pattern: '^[^\\n]*$', nullable: true},
      separator: {type: 'string', enum: ['=', 'space'], nullable: true},
      default: {type: 'string', nullable: true},
      ignoreCase: {type: 'boolean', nullable: true},
    },
  },
  async run({root, params}) {
    const read = await readTextIn(root, params.path)
    if (read.state === 'unreadable') return outcome.unreadable([whyUnreadable(read)])
    const set = {
      op: 'set' as const,
      path: params.path,
      syntax: params.separator === 'space' ? ('space' as const) : ('equals' as const),
      key: params.key,
      value: params.recommended ?? params.values?.[0] ?? String(params.max ?? params.min),
    }
    if (read.state === 'absent')
      return withFix(outcome.fail([`${params.path} does not exist`], params.path), {edits: [set]})
    const text = read.value
    const ignoreCase = params.ignoreCase ?? false
    const configured = readConfigValue(text, params.key, params.separator ?? '=', ignoreCase)
    const value = configured ?? params.default ?? null
    const norm = (v: string) => (ignoreCase ? v.toLowerCase() : v)
    const seen = `${params.path}: ${params.key} = ${value ?? '(not set)'}${configured === null && value !== null ? ' (default)' : ''}`
    if (value !== null && allowed(params, value, norm)) return outcome.pass([seen], params.path)
    return withFix(outcome.fail([`${seen}; expected ${expected(params)}`], params.path), {edits: [set]})
  },
})
