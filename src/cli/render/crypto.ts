import type {BatchResult} from '../../crypto/index.js'
import {formatBytes} from '../../core/format.js'

/** One line per file, then a summary line. */
export function renderBatch(result: BatchResult, verb: string): string {
  const lines = result.files.map((f) => {
    if (f.status === 'failed') return `failed     ${f.input}: ${f.error?.message ?? 'unknown error'}`
    const target = f.output ? ` → ${f.output}` : ''
    const removed = f.removedPlaintext ? ' (plaintext removed)' : ''
    const warnings = (f.warnings ?? []).map((w) => `\n  warning: ${w}`).join('')
    const signer = f.signer
      ? ` (signed by ${f.signer.fingerprint.slice(0, 16)}…${f.signer.verified ? ', verified' : ', not verified'})`
      : ''
    return `${verb.padEnd(10)} ${f.input}${target} (${formatBytes(f.bytes)})${removed}${signer}${warnings}`
  })
  const failed = result.files.filter((f) => f.status === 'failed').length
  const seconds = Math.max(result.durationMs, 1) / 1000
  const rate = `${(result.bytes / seconds / 1e6).toFixed(0)} MB/s`
  lines.push(
    `${result.files.length - failed} of ${result.files.length} file(s) ${verb}, ${formatBytes(result.bytes)} in ${seconds.toFixed(2)} s (${rate})`,
  )
  if (result.senderVerified === false) {
    lines.push(
      'note: decryption does not prove who made these files (anyone with the recipient key can make one); pass --verify-key or --verify-cert.',
    )
  }
  return lines.join('\n')
}
