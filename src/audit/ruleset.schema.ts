import {CONDITIONS} from './check.js'
import {SEVERITIES} from '../core/severity.js'

const id = {type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$', maxLength: 80}
const controls = {
  type: 'object',
  propertyNames: {pattern: '^[a-z0-9][a-z0-9-]*$'},
  additionalProperties: {type: 'array', minItems: 1, items: {type: 'string', minLength: 1}},
}
const requiredFor = (op: string, keys: string[]) => ({if: {properties: {op: {const: op}}}, then: {required: keys}})
/** A file edit (src/audit/fix.types.ts); paths are inside the audited root. */
const fileEdit = {
  type: 'object',
  additionalProperties: false,
  required: ['op', 'path'],
  properties: {
    op: {enum: ['set', 'write', 'append', 'chmod', 'chown']},
    path: {type: 'string', pattern: '^/', maxLength: 4096},
    syntax: {enum: ['sshd', 'space', 'equals']},
    key: {type: 'string', pattern: '^[A-Za-z0-9_.-]+$'},
    value: {type: 'string', pattern: '^[^\\n]*$'},
    content: {type: 'string'},
    line: {type: 'string', pattern: '^[^\\n]*$'},
    mode: {type: 'string', pattern: '^(0?[0-7]{3,4}|[ugoa]*[-+=][rwxXst]*)$'},
    recursive: {type: 'boolean'},
    owner: {type: 'string', pattern: '^[a-z_][a-z0-9_.-]*$'},
    group: {type: 'string', pattern: '^[a-z_][a-z0-9_.-]*$'},
  },
  allOf: [
    requiredFor('set', ['syntax', 'key', 'value']),
    requiredFor('write', ['content']),
    requiredFor('append', ['line']),
    requiredFor('chmod', ['mode']),
    requiredFor('chown', ['owner']),
  ],
}
/** Benchmark sections a rule follows: source (`cis-debian-12`) → section numbers (`5.1.6`). */
const references = {
  type: 'object',
  propertyNames: {pattern: '^[a-z0-9][a-z0-9-]*$'},
  additionalProperties: {
    type: 'array',
    minItems: 1,
    items: {type: 'string', pattern: '^[0-9]+(\\.[0-9]+)*$', maxLength: 40},
  },
}
// type: [string, object] instead of oneOf, so that errors point at the offending key.
const remediation = {
  type: ['string', 'object'],
  minLength: 1,
  additionalProperties: false,
  required: ['text'],
  properties: {
    text: {type: 'string', minLength: 1},
    commands: {type: 'array', items: {type: 'string'}},
    edits: {type: 'array', items: fileEdit},
  },
}

/** JSON Schema of a ruleset file (docs/rulesets.md; a copy is docs/rulesets.schema.json). */
export const rulesetSchema = {
  $id: 'https://llmsec.dev/schemas/ruleset-v1.json',
  title: 'llmsec ruleset',
  type: 'object',
  additionalProperties: false,
  required: ['apiVersion', 'kind', 'id', 'title', 'version'],
  properties: {
    apiVersion: {const: 'llmsec.dev/v1'},
    kind: {const: 'Ruleset'},
    id,
    title: {type: 'string', minLength: 1},
    version: {type: 'string', minLength: 1},
    description: {type: 'string'},
    framework: {type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$'},
    scoring: {
      type: 'object',
      additionalProperties: false,
      properties: {criticalCap: {type: 'number', minimum: 0, maximum: 100}},
    },
    extends: {
      type: 'array',
      items: {
        type: ['string', 'object'],
        minLength: 1,
        additionalProperties: false,
        required: ['ruleset'],
        properties: {
          ruleset: {type: 'string', minLength: 1},
          remove: {type: 'array', items: id},
          overrides: {
            type: 'object',
            additionalProperties: {
              type: 'object',
              additionalProperties: false,
              properties: {
                severity: {enum: [...SEVERITIES]},
                weight: {type: 'number', minimum: 0, maximum: 100},
                params: {type: 'object'},
                controls,
                appliesWhen: {type: 'array', items: {enum: [...CONDITIONS]}},
                remediation,
              },
            },
          },
        },
      },
    },
    rules: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'title', 'severity', 'check', 'remediation'],
        properties: {
          id,
          title: {type: 'string', minLength: 1},
          description: {type: 'string'},
          rationale: {type: 'string'},
          severity: {enum: [...SEVERITIES]},
          weight: {type: 'number', minimum: 0, maximum: 100},
          controls,
          references,
          limits: {type: 'string', minLength: 1},
          appliesWhen: {type: 'array', items: {enum: [...CONDITIONS]}},
          check: {
            type: 'object',
            additionalProperties: false,
            required: ['id'],
            properties: {id: {type: 'string', minLength: 1}, params: {type: 'object'}},
          },
          remediation,
        },
      },
    },
  },
} as const
