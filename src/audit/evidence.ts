import {redactSecrets} from '../core/redact.js'

/** Longest evidence line a report shows, and most lines per rule. */
export const MAX_EVIDENCE_CHARS = 500
export const MAX_EVIDENCE_LINES = 50
/** Lines longer than this are cut before redaction, so redaction stays cheap on hostile input. */
const MAX_SCANNED_CHARS = 16 * 1024

function capLine(line: string): string {
  const redacted = redactSecrets(line.length > MAX_SCANNED_CHARS ? line.slice(0, MAX_SCANNED_CHARS) : line)
  if (redacted.length <= MAX_EVIDENCE_CHARS && line.length <= MAX_SCANNED_CHARS) return redacted
  return `${redacted.slice(0, MAX_EVIDENCE_CHARS)}… (${line.length} characters)`
}

/**
 * Evidence as every report format shows it: secrets masked (token shapes, `*_KEY`/`*_TOKEN`/
 * `PASSWORD` assignments, secret flags), each line at most MAX_EVIDENCE_CHARS, at most
 * MAX_EVIDENCE_LINES lines. Redaction happens before the cut, so a cut never leaves half a secret.
 */
export function sanitizeEvidence(lines: string[]): string[] {
  const kept = lines.slice(0, MAX_EVIDENCE_LINES).map(capLine)
  if (lines.length > MAX_EVIDENCE_LINES) kept.push(`… and ${lines.length - MAX_EVIDENCE_LINES} more lines`)
  return kept
}

/** A one-line reason, sanitized the same way. */
export function sanitizeLine(line: string): string {
  return capLine(line)
}
