import {X509Certificate} from 'node:crypto'

import {bundleFromJSON} from '@sigstore/bundle'
import {TrustedRoot} from '@sigstore/protobuf-specs'
import {PolicyError, toSignedEntity, toTrustMaterial, VerificationError, Verifier} from '@sigstore/verify'

import type {Mismatch, MismatchReason, SignatureVerdict, Signer, TrustOptions} from './artifacts.types.js'
import type {ParsedBundle} from './bundle-parse.js'
import {describeLeaf} from './certificate-info.js'
import {artifactsError} from './errors.js'
import {checkIdentity, requireKeylessPolicy} from './identity.js'
import {readPemFile} from './keys.js'
import {append} from '../core/arrays.js'

/** Sigstore error codes that mean the signature itself does not match the signed content. */
const SIGNATURE_CODES = new Set(['SIGNATURE_ERROR', 'TLOG_BODY_ERROR'])

const TRUSTED_ROOT_MEDIA_TYPE = 'application/vnd.dev.sigstore.trustedroot'

/** The protobuf reader fills in what is missing, so the shape is checked first. */
function checkTrustedRootShape(value: unknown): void {
  const root = value as Record<string, unknown> | null
  if (typeof root !== 'object' || root === null || Array.isArray(root)) throw new Error('not a JSON object')
  if (typeof root.mediaType !== 'string' || !root.mediaType.startsWith(TRUSTED_ROOT_MEDIA_TYPE)) {
    throw new Error(`mediaType is not ${TRUSTED_ROOT_MEDIA_TYPE}`)
  }
  for (const field of ['tlogs', 'certificateAuthorities', 'ctlogs']) {
    if (!Array.isArray(root[field])) throw new Error(`field ${field} is not a list`)
  }
}

function loadTrustMaterial(text: string, file: string) {
  try {
    const value: unknown = JSON.parse(text)
    checkTrustedRootShape(value)
    return toTrustMaterial(TrustedRoot.fromJSON(value))
  } catch (error) {
    throw artifactsError(
      'TRUST_ROOT_MALFORMED',
      `${file} is not a Sigstore trusted root (${(error as Error).message}); use the trusted_root.json of your Sigstore instance.`,
    )
  }
}

function signedEntity(parsed: ParsedBundle, sigFile: string) {
  try {
    return toSignedEntity(bundleFromJSON(parsed.bundle))
  } catch (error) {
    throw artifactsError(
      'SIGNATURE_MALFORMED',
      `${sigFile}: not a valid Sigstore bundle (${(error as Error).message}). Re-create it with the signing tool.`,
    )
  }
}

function reasonOf(error: unknown): {reason: MismatchReason; detail: string} {
  if (error instanceof VerificationError || error instanceof PolicyError) {
    const reason = SIGNATURE_CODES.has(error.code) ? 'bad-signature' : 'untrusted-signer'
    return {reason, detail: `${error.code}: ${error.message}`}
  }
  throw error
}

/**
 * Verifies a Sigstore keyless bundle offline against a trusted root: the Fulcio chain at
 * the time the Rekor entry gives, the embedded SCT, the transparency log inclusion proof
 * (or promise), the DSSE signature, then the identity policy (required).
 */
export async function checkSigstoreMethod(
  parsed: ParsedBundle,
  options: TrustOptions,
  sigFile: string,
): Promise<SignatureVerdict> {
  requireKeylessPolicy(options, sigFile)
  const rootFile = options.trustRoot as string
  const text = await readPemFile(rootFile, 'trusted root')
  const verifier = new Verifier(loadTrustMaterial(text, rootFile), {
    tlogThreshold: 1,
    ctlogThreshold: 1,
    timestampThreshold: 1,
  })
  const entity = signedEntity(parsed, sigFile)
  const raw = parsed.bundle.verificationMaterial.certificate?.rawBytes ?? ''
  const leaf = new X509Certificate(Buffer.from(raw, 'base64'))
  const signer: Signer = describeLeaf(leaf)
  const problems: Mismatch[] = []
  try {
    verifier.verify(entity)
  } catch (error) {
    problems.push({path: sigFile, ...reasonOf(error)})
    return {problems, signer}
  }
  append(problems, checkIdentity(signer, options, sigFile))
  return {problems, signer}
}
