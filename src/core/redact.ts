/**
 * Masks values that look like secrets in text meant for reports (audit evidence in every format):
 * token shapes by their public prefixes, and the values of secret-named assignments and flags.
 * The prefix is kept (`hf_***`) so the reader still knows what kind of secret was there.
 */

const MASK = '***'

/** Token shapes: [prefix kept, whole token]. Bounded quantifiers keep each match linear. */
const TOKEN_SHAPES: RegExp[] = [
  /(hf_)[A-Za-z0-9]{8,200}/g, // Hugging Face user access tokens
  /(api_org_)[A-Za-z0-9]{8,200}/g, // Hugging Face organisation tokens
  /(sk-(?:proj-|svcacct-|admin-)?)[A-Za-z0-9_-]{16,300}/g, // OpenAI (and compatible) API keys
  /((?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA))[0-9A-Z]{16}/g, // AWS access key ids
  /(gh[pousr]_)[A-Za-z0-9]{20,255}/g, // GitHub tokens
  /(github_pat_)[A-Za-z0-9_]{20,255}/g, // GitHub fine-grained tokens
  /(glpat-)[A-Za-z0-9_-]{16,255}/g, // GitLab personal tokens
  /(xox[abposr]-)[A-Za-z0-9-]{10,255}/g, // Slack tokens
]

/**
 * `NAME=value` / `NAME: value` where NAME says it holds a secret (`*_KEY`, `*_TOKEN`, `*SECRET*`,
 * `*PASSWORD*`, `*PASSWD*`), and `--api-key value` / `--token=value` flags.
 */
const ASSIGNMENT =
  /([A-Za-z0-9_.-]{0,100}(?:_KEY|_TOKEN|TOKEN|SECRET|PASSWORD|PASSWD|_PASS|APIKEY)[A-Za-z0-9_]{0,40})(\s{0,4}[=:]\s{0,4})("[^"\n]{0,2000}"|'[^'\n]{0,2000}'|[^\s"',;]{1,2000})/gi
const FLAG =
  /(--?(?:api[-_]?key|token|password|passwd|secret|hf[-_]token|auth[-_]token))([= ])("[^"\n]{0,2000}"|[^\s"']{1,2000})/gi

/**
 * A superset of what the patterns above can match: every token shape's prefix, and the words every
 * secret name and flag contains (key, token, secret, pass), case-insensitively. Most evidence has
 * none of them and skips the nine replacements (test/unit/core/redact.test.ts checks the superset).
 */
export const MAY_HOLD_SECRET =
  /key|token|secret|pass|hf_|api_org_|sk-|AKIA|ASIA|AGPA|AIDA|AROA|ANPA|gh[pousr]_|github_pat_|glpat-|xox[abposr]-/i

/** Every pattern redactSecrets replaces (for the superset test). */
export const SECRET_PATTERNS: readonly RegExp[] = [...TOKEN_SHAPES, ASSIGNMENT, FLAG]

/** The text with secret-looking values replaced by `***`. */
export function redactSecrets(text: string): string {
  if (!MAY_HOLD_SECRET.test(text)) return text
  let out = text
  for (const shape of TOKEN_SHAPES) out = out.replace(shape, (_, prefix: string) => `${prefix}${MASK}`)
  out = out.replace(ASSIGNMENT, (whole, name: string, sep: string, value: string) =>
    value === MASK || value.endsWith(`_${MASK}`) || value.endsWith(`-${MASK}`) ? whole : `${name}${sep}${MASK}`,
  )
  return out.replace(FLAG, (whole, flag: string, sep: string, value: string) =>
    value.startsWith('-') || value.endsWith(MASK) ? whole : `${flag}${sep}${MASK}`,
  )
}
