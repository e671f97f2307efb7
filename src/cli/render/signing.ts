import type {KeyFilesResult, SignResult, VerifyResult} from '../../artifacts/index.js'
import type {Style} from '../style.js'
import {formatBytes} from '../../core/format.js'
import {renderPairs, renderTable} from '../table.js'

/** Human output of `llmsec verify`: a verdict line, the signer, and every mismatch. */
export function renderVerify(result: VerifyResult, style: Style): string {
  const verdict = result.verified ? style.green('verified') : style.red('NOT verified')
  const lines = [
    `${verdict}  ${result.model}  (${result.method} method, ${result.files} files, ${formatBytes(result.bytes)})`,
  ]
  const signer = result.signer
  if (signer) {
    const pairs: [string, string][] = [['key fingerprint', signer.keyFingerprint]]
    if (signer.identities?.length) pairs.push(['identity', signer.identities.join(', ')])
    if (signer.oidcIssuer) pairs.push(['oidc issuer', signer.oidcIssuer])
    if (signer.subject) pairs.push(['subject', signer.subject], ['issuer', signer.issuer ?? '-'])
    if (signer.notAfter) pairs.push(['valid', `${signer.notBefore} to ${signer.notAfter}`])
    lines.push(renderPairs(pairs))
  }
  const listed: [string, string][] = []
  if (result.ignoredFiles.length) listed.push(['ignored', result.ignoredFiles.join(', ')])
  if (result.unsignedFiles.length) listed.push(['unsigned (accepted)', result.unsignedFiles.join(', ')])
  if (listed.length) lines.push(renderPairs(listed))
  if (result.mismatches.length > 0) {
    const rows = result.mismatches.map((m) => [m.reason, m.path, m.detail ?? ''])
    lines.push('', renderTable(rows, {head: ['problem', 'path', 'detail'], indent: 2}))
  }
  return lines.join('\n')
}

/** Human output of `llmsec sign`. */
export function renderSign(result: SignResult): string {
  return [
    `signed ${result.files} files (${formatBytes(result.bytes)}) with the ${result.method} method`,
    renderPairs([
      ['signature', result.signatureFile],
      ['root digest', `sha256:${result.rootDigest}`],
      ['key fingerprint', result.keyFingerprint],
      ...(result.ignoredFiles.length ? [['ignored', result.ignoredFiles.join(', ')] as [string, string]] : []),
    ]),
  ].join('\n')
}

/** Human output of `llmsec keys generate|ca|cert`: the files written. */
export function renderKeyFiles(result: KeyFilesResult): string {
  const pairs: [string, string][] = []
  if (result.privateKey) pairs.push(['private key', `${result.privateKey}${result.encrypted ? ' (encrypted)' : ''}`])
  pairs.push(['public key', result.publicKey])
  if (result.certificate) pairs.push(['certificate', result.certificate])
  pairs.push(['fingerprint', result.fingerprint])
  return renderPairs(pairs, 0)
}
