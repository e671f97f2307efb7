import type {X509Certificate} from 'node:crypto'

import type {MismatchReason, Signer} from './artifacts.types.js'
import {describeCertificate} from './certificates.js'
import {describeLeaf} from './certificate-info.js'
import {append} from '../core/arrays.js'

/** Longest chain llmsec walks; real chains have two or three certificates. */
const MAX_DEPTH = 8

interface ChainProblem {
  reason: MismatchReason
  detail: string
}

export interface ChainResult {
  problems: ChainProblem[]
  signer: Signer
}

function isSelfSigned(cert: X509Certificate): boolean {
  return cert.checkIssued(cert) && cert.verify(cert.publicKey)
}

function findIssuer(cert: X509Certificate, candidates: X509Certificate[]): X509Certificate | undefined {
  return candidates.find(
    (candidate) =>
      candidate.fingerprint256 !== cert.fingerprint256 &&
      cert.checkIssued(candidate) &&
      cert.verify(candidate.publicKey),
  )
}

/** Walks from the leaf to a trusted certificate; returns the path and whether it ended at one. */
function buildPath(
  leaf: X509Certificate,
  intermediates: X509Certificate[],
  trusted: X509Certificate[],
): {path: X509Certificate[]; anchored: boolean; reason?: string} {
  const trustedPrints = new Set(trusted.map((cert) => cert.fingerprint256))
  const path = [leaf]
  let current = leaf
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    if (trustedPrints.has(current.fingerprint256)) return {path, anchored: true}
    if (isSelfSigned(current)) return {path, anchored: false, reason: `the chain ends at ${current.subject}`}
    const issuer = findIssuer(current, trusted) ?? findIssuer(current, intermediates)
    if (!issuer) return {path, anchored: false, reason: `no issuer found for ${current.subject}`}
    if (!issuer.ca) return {path, anchored: false, reason: `${issuer.subject} is not a CA certificate`}
    path.push(issuer)
    current = issuer
  }
  return {path, anchored: false, reason: `the chain is longer than ${MAX_DEPTH} certificates`}
}

function oneLine(name: string): string {
  return name.split('\n').filter(Boolean).join(', ')
}

function checkValidity(path: X509Certificate[], now: Date): ChainProblem[] {
  const problems: ChainProblem[] = []
  for (const cert of path) {
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

/**
 * Checks a signing certificate the way OMS's certificate method requires: the chain
 * (leaf, then the bundle's intermediates) must lead to a certificate the user trusts,
 * every certificate on it must be valid now, and the leaf must allow signing.
 */
export async function verifyCertificateChain(
  leaf: X509Certificate,
  intermediates: X509Certificate[],
  trusted: X509Certificate[],
  options: {now: Date; allowPartialChain: boolean},
): Promise<ChainResult> {
  const now = options.now
  const problems: ChainProblem[] = []
  const {path, anchored, reason} = buildPath(leaf, intermediates, trusted)
  if (!anchored) {
    problems.push({
      reason: 'untrusted-signer',
      detail: `the certificate chain does not lead to a certificate given with --cert-chain (${reason})`,
    })
  }
  append(problems, checkValidity(path, now))
  const info = describeCertificate(leaf)
  if (!info.digitalSignature && !info.codeSigning) {
    problems.push({
      reason: 'wrong-key-usage',
      detail: `${oneLine(leaf.subject)} has neither the digitalSignature key usage nor the codeSigning extended key usage`,
    })
  }
  return {problems, signer: describeLeaf(leaf)}
}
