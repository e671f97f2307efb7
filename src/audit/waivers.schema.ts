/** JSON Schema of a waivers file (`.llmsec-waivers.yaml`; the rules it must meet: docs/scoring.md#waivers). */
export const waiversSchema = {
  $id: 'https://llmsec.dev/schemas/waivers-v1.json',
  title: 'llmsec waivers',
  type: 'object',
  additionalProperties: false,
  required: ['waivers'],
  properties: {
    waivers: {
      type: 'array',
      maxItems: 10_000,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['rule', 'justification', 'approver', 'created', 'expires'],
        properties: {
          rule: {type: 'string', pattern: '^([a-z0-9][a-z0-9-]*\\.)?[a-z0-9][a-z0-9-]*$', maxLength: 161},
          justification: {type: 'string', minLength: 1, maxLength: 2000},
          approver: {type: 'string', minLength: 1, maxLength: 200},
          created: {type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$'},
          expires: {type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$'},
          host: {type: 'string', minLength: 1, maxLength: 255},
          path: {type: 'string', minLength: 1, maxLength: 1024},
        },
      },
    },
  },
} as const
