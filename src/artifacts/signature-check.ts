import {createPublicKey, X509Certificate, type KeyObject} from 'node:crypto'

import {usageError} from '../core/errors.js'
import type {Mismatch, SignatureVerdict, TrustOptions} from './artifacts.types.js'
import type {ParsedBundle} from './bundle-parse.js'
import {verifyPayload} from './dsse.js'
import {artifactsError} from './errors.js'
import {loadPublicKey, publicKeyHint} from './keys.js'
import {loadCertificates} from './pem-certificates.js'
import {append} from '../core/arrays.js'

function verifiesWithAny(parsed: ParsedBundle, key: KeyObject): boolean {
  const {payloadType, signatures} = parsed.bundle.dsseEnvelope
  return signatures.some((entry) => verifyPayload(payloadType, parsed.payload, Buffer.from(entry.sig, 'base64'), key))
}

/** The key the bundle names (rawBytes in older bundles, hint in newer), as a fingerprint. */
function bundleKeyFingerprint(parsed: ParsedBundle): string | undefined {
  const key = parsed.bundle.verificationMaterial.publicKey
  if (key?.hint) return key.hint
  if (!key?.rawBytes) return undefined
  const raw = Buffer.from(key.rawBytes, 'base64')
  try {
    return publicKeyHint(
      raw.includes('-----BEGIN') ? createPublicKey(raw) : createPublicKey({key: raw, format: 'der', type: 'spki'}),
    )
  } catch {
    return undefined
  }
}

async function checkKeyMethod(parsed: ParsedBundle, keyPath: string, sigFile: string): Promise<SignatureVerdict> {
  const key = await loadPublicKey(keyPath)
  const fingerprint = publicKeyHint(key)
  const problems: Mismatch[] = []
  if (!verifiesWithAny(parsed, key)) {
    const named = bundleKeyFingerprint(parsed)
    const detail =
      named && named !== fingerprint
        ? `signed by a different key (fingerprint ${named}), not ${keyPath}`
        : `the signature does not match the signed statement with ${keyPath}`
    problems.push({path: sigFile, reason: 'bad-signature', detail})
  }
  return {problems, signer: {keyFingerprint: fingerprint}}
}

function bundleCertificates(parsed: ParsedBundle, sigFile: string): X509Certificate[] {
  const entries = parsed.bundle.verificationMaterial.x509CertificateChain?.certificates ?? []
  return entries.map((entry, i) => {
    try {
      return new X509Certificate(Buffer.from(entry.rawBytes, 'base64'))
    } catch {
      throw artifactsError(
        'SIGNATURE_MALFORMED',
        `${sigFile}: field verificationMaterial.x509CertificateChain.certificates[${i}].rawBytes is not a DER certificate. Re-create it with llmsec sign.`,
      )
    }
  })
}

async function checkCertificateMethod(
  parsed: ParsedBundle,
  options: TrustOptions,
  sigFile: string,
): Promise<SignatureVerdict> {
  // The X.509 libraries load only for the certificate method, so key-method runs start fast.
  const {verifyCertificateChain} = await import('./chain.js')
  const {checkIdentity} = await import('./identity.js')
  const trusted = await loadCertificates(options.certChain ?? [])
  const [leaf, ...intermediates] = bundleCertificates(parsed, sigFile)
  const {problems, signer} = await verifyCertificateChain(leaf, intermediates, trusted, {
    now: options.now ?? new Date(),
    allowPartialChain: Boolean(options.allowPartialChain),
  })
  const mismatches: Mismatch[] = problems.map((problem) => ({path: sigFile, ...problem}))
  if (!verifiesWithAny(parsed, leaf.publicKey)) {
    mismatches.unshift({
      path: sigFile,
      reason: 'bad-signature',
      detail: 'the signature does not match the leaf certificate',
    })
  }
  append(mismatches, checkIdentity(signer, options, sigFile))
  return {problems: mismatches, signer}
}

/**
 * Verifies the signature over the DSSE payload and judges the signer: a public key, an
 * X.509 chain to the given roots, or Sigstore keyless against a trusted root. Nothing in
 * the payload is read here beyond its bytes.
 */
export async function checkSignature(
  parsed: ParsedBundle,
  options: TrustOptions,
  sigFile: string,
): Promise<SignatureVerdict> {
  if (parsed.method === 'sigstore') {
    if (!options.trustRoot) {
      throw usageError(`${sigFile} was signed with Sigstore keyless signing: pass --trust-root <trusted_root.json>.`)
    }
    const {checkSigstoreMethod} = await import('./sigstore.js')
    return checkSigstoreMethod(parsed, options, sigFile)
  }
  if (parsed.method === 'key') {
    if (!options.key) throw usageError(`${sigFile} was signed with a key: pass --key <public.pem>.`)
    // A bare key names no identity: a policy that cannot be checked must not pass silently.
    if ([options.identity, options.identityRegexp, options.issuer, options.issuerRegexp].some((v) => v !== undefined)) {
      throw usageError(
        `${sigFile} was signed with a bare key, which names no identity: --identity and --issuer need a certificate or keyless bundle.`,
      )
    }
    return checkKeyMethod(parsed, options.key, sigFile)
  }
  if (!options.certChain?.length) {
    throw usageError(`${sigFile} was signed with a certificate: pass --cert-chain <root.pem>.`)
  }
  return checkCertificateMethod(parsed, options, sigFile)
}
