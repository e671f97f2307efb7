import 'reflect-metadata'

import {webcrypto, type X509Certificate} from 'node:crypto'

import * as x509 from '@peculiar/x509'
import * as pkijs from 'pkijs'

import type {Mismatch, Signer} from './artifacts.types.js'
import {describeCertificate} from './certificates.js'
import {describeLeaf} from './certificate-info.js'
import {weakKey, weakSignature} from './crypto-policy.js'

// pkijs validates over WebCrypto; Node's own implementation is what it gets.
pkijs.setEngine('node', new pkijs.CryptoEngine({name: 'node', crypto: webcrypto as never}))

/** pkijs' result code for a certificate on the path outside its validity period. */
const VALIDITY_CODE = 8

type ChainProblem = Omit<Mismatch, 'path'> & {detail: string}

export interface ChainResult {
  problems: ChainProblem[]
  signer: Signer
}

export interface ChainOptions {
  now: Date
  /** Let a trusted certificate that is not self-signed end the path (openssl -partial_chain). */
  allowPartialChain: boolean
}

/**
 * Extensions llmsec (with pkijs) processes; any other extension marked critical makes the
 * certificate unusable, as RFC 5280 §4.2 and `openssl verify` require.
 */
const KNOWN_EXTENSIONS = new Set([
  '2.5.29.14', // subject key identifier
  '2.5.29.15', // key usage
  '2.5.29.17', // subject alternative name
  '2.5.29.18', // issuer alternative name
  '2.5.29.19', // basic constraints
  '2.5.29.30', // name constraints
  '2.5.29.31', // CRL distribution points
  '2.5.29.32', // certificate policies
  '2.5.29.33', // policy mappings
  '2.5.29.35', // authority key identifier
  '2.5.29.36', // policy constraints
  '2.5.29.37', // extended key usage
  '2.5.29.46', // freshest CRL
  '2.5.29.54', // inhibit anyPolicy
  '1.3.6.1.5.5.7.1.1', // authority information access
])

function oneLine(name: string | undefined): string {
  return (name ?? '').split('\n').filter(Boolean).join(', ')
}

function isSelfSigned(cert: X509Certificate): boolean {
  return cert.checkIssued(cert) && cert.verify(cert.publicKey)
}

const untrusted = (detail: string): ChainProblem => ({reason: 'untrusted-signer', detail})

function validityProblems(certs: X509Certificate[], now: Date): ChainProblem[] {
  const problems: ChainProblem[] = []
  for (const cert of certs) {
    const {notBefore, notAfter} = describeCertificate(cert)
    const who = oneLine(cert.subject)
    if (now < notBefore) {
      problems.push({reason: 'certificate-not-yet-valid', detail: `${who} is valid from ${notBefore.toISOString()}`})
    } else if (now > notAfter) {
      problems.push({reason: 'certificate-expired', detail: `${who} expired on ${notAfter.toISOString()}`})
    }
  }
  return problems
}

/** RFC 5280 §6.1.4 (l)/(m): a CA's pathLenConstraint bounds the non-self-issued CAs below it. */
function pathLengthProblems(path: X509Certificate[]): ChainProblem[] {
  const problems: ChainProblem[] = []
  for (let i = 2; i < path.length; i++) {
    const limit = new x509.X509Certificate(path[i].raw).getExtension(x509.BasicConstraintsExtension)?.pathLength
    if (limit === undefined) continue
    const below = path.slice(1, i).filter((cert) => cert.subject !== cert.issuer).length
    if (below > limit) {
      problems.push(
        untrusted(`${oneLine(path[i].subject)} allows ${limit} CA certificate(s) below it, the path has ${below}`),
      )
    }
  }
  return problems
}

function extensionAndAlgorithmProblems(path: X509Certificate[], parsed: pkijs.Certificate[]): ChainProblem[] {
  const problems: ChainProblem[] = []
  path.forEach((cert, i) => {
    const who = oneLine(cert.subject)
    for (const extension of parsed[i].extensions ?? []) {
      if (extension.critical && !KNOWN_EXTENSIONS.has(extension.extnID)) {
        problems.push(untrusted(`${who} has an unknown critical extension ${extension.extnID}`))
      }
    }
    const anchorSelfSigned = i === path.length - 1 && isSelfSigned(cert)
    const signature = anchorSelfSigned ? undefined : weakSignature(parsed[i])
    if (signature) problems.push(untrusted(`${who} ${signature}`))
    const key = weakKey(cert)
    if (key) problems.push(untrusted(`${who} ${key}`))
  })
  return problems
}

/** The leaf must be allowed to sign: key usage (when present) with digitalSignature, EKU (when present) with codeSigning. */
function leafUsageProblems(leaf: X509Certificate): ChainProblem[] {
  const info = describeCertificate(leaf)
  if (info.digitalSignature && info.codeSigning) return []
  const missing = [
    info.digitalSignature ? '' : 'the digitalSignature key usage',
    info.codeSigning ? '' : 'the codeSigning extended key usage',
  ]
  return [
    {reason: 'wrong-key-usage', detail: `${oneLine(leaf.subject)} lacks ${missing.filter(Boolean).join(' and ')}`},
  ]
}

/** pkijs builds and validates the path: signatures, CA flags and keyCertSign, validity, name constraints, policies. */
async function buildPath(
  leaf: X509Certificate,
  intermediates: X509Certificate[],
  trusted: X509Certificate[],
  options: ChainOptions,
): Promise<{path?: X509Certificate[]; parsed?: pkijs.Certificate[]; problem?: string; validity?: boolean}> {
  // Without partial chains only self-signed certificates anchor a path (as openssl); other
  // trusted certificates may still serve as intermediates on the way to one.
  const anchors = options.allowPartialChain ? trusted : trusted.filter(isSelfSigned)
  const helpers = options.allowPartialChain
    ? intermediates
    : [...intermediates, ...trusted.filter((c) => !isSelfSigned(c))]
  const byObject = new Map<pkijs.Certificate, X509Certificate>()
  const toPkijs = (cert: X509Certificate) => {
    const parsed = pkijs.Certificate.fromBER(cert.raw)
    byObject.set(parsed, cert)
    return parsed
  }
  if (anchors.length === 0) {
    return {
      problem: 'no self-signed root certificate was given with --cert-chain (pass the root, or --allow-partial-chain)',
    }
  }
  const engine = new pkijs.CertificateChainValidationEngine({
    trustedCerts: anchors.map(toPkijs),
    certs: [...helpers.map(toPkijs), toPkijs(leaf)],
    checkDate: options.now,
  })
  const result = await engine.verify()
  if (!result.result || !result.certificatePath) {
    return {problem: result.resultMessage || 'no valid certificate path', validity: result.resultCode === VALIDITY_CODE}
  }
  const parsed = result.certificatePath
  const path = parsed.map((cert) => byObject.get(cert) as X509Certificate)
  return {path, parsed}
}

/**
 * Validates a signing certificate's chain the way `openssl verify -x509_strict -auth_level 2`
 * does: a path from the leaf (through the bundle's intermediates) to a self-signed trusted
 * root (or any trusted certificate with allowPartialChain), every signature, CA flag, path
 * length, name constraint and validity period holding at `now`, no unknown critical
 * extension, no MD5/SHA-1 and no weak keys; then the leaf must be allowed to sign.
 */
export async function verifyCertificateChain(
  leaf: X509Certificate,
  intermediates: X509Certificate[],
  trusted: X509Certificate[],
  options: ChainOptions,
): Promise<ChainResult> {
  const signer = describeLeaf(leaf)
  const built = await buildPath(leaf, intermediates, trusted, options)
  if (!built.path || !built.parsed) {
    // pkijs says only "expired or not yet valid": name the certificates.
    const expired = built.validity ? validityProblems([leaf, ...intermediates, ...trusted], options.now) : []
    const problems =
      expired.length > 0 ? expired : [untrusted(`the certificate chain does not verify: ${built.problem}`)]
    return {problems: [...problems, ...leafUsageProblems(leaf)], signer}
  }
  const problems = [
    ...pathLengthProblems(built.path),
    ...extensionAndAlgorithmProblems(built.path, built.parsed),
    ...leafUsageProblems(leaf),
  ]
  return {problems, signer}
}
