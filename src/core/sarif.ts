import type {Severity} from './severity.js'

/** What every llmsec SARIF file shares: the schema, GitHub's severity bands, locations, category. */
export const SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json'
export const INFORMATION_URI = 'https://github.com/llmsec/llmsec'

/** GitHub code scanning maps security-severity ≥ 9 to critical, ≥ 7 high, ≥ 4 medium, > 0 low. */
export const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '2.0',
  info: '0.0',
}
export const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
}

/**
 * A physical location, which GitHub requires of every result: a file under the audited root
 * (`ROOTFS`, so the same finding has the same URI in every image) or, for a finding about the host
 * rather than a file, a stable virtual artifact `llmsec-host/<rule>`. The region is the file's
 * first line: llmsec's findings are about whole files.
 */
export function physicalLocation(path: string | undefined, ruleId: string): Record<string, unknown> {
  const artifactLocation = path?.startsWith('/')
    ? {uri: encodeURI(path.slice(1)), uriBaseId: 'ROOTFS'}
    : {uri: `llmsec-host/${encodeURIComponent(ruleId)}`}
  return {artifactLocation, region: {startLine: 1}}
}

/**
 * `automationDetails` only when the user names a category: GitHub's upload action sets the
 * category itself, and an id here would override it (an id carrying a runner's hostname means
 * alerts never close).
 */
export function automationDetails(category: string | undefined): Record<string, unknown> {
  return category ? {automationDetails: {id: category.endsWith('/') ? category : `${category}/`}} : {}
}

/**
 * The ROOTFS base of a run's artifact locations: the audited root directory, or `/` of the host;
 * for an `--image` run, `/` inside the image, which its description names.
 */
export function rootBase(
  root: string | null,
  image?: {name: string; file: string},
): {uri: string; description?: {text: string}} {
  const uri = root ? `file://${encodeURI(root.replace(/\/?$/, '/'))}` : 'file:///'
  if (!image) return {uri}
  return {uri: 'file:///', description: {text: `the root of image ${image.name} (${image.file}), read in place`}}
}
