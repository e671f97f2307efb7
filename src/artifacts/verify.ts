import {createPublicKey, X509Certificate, type KeyObject} from 'node:crypto'
import {readFile, stat} from 'node:fs/promises'

import {fsError, usageError} from '../core/errors.js'
import type {OnProgress} from '../core/progress.js'
import type {Mismatch, Signer, VerifyResult} from './artifacts.types.js'
import {parseBundle, type ParsedBundle} from './bundle-parse.js'
import {compareManifest, fileOfResource} from './compare.js'
import {verifyPayload} from './dsse.js'
import {enumerateModel} from './enumerate.js'
import {artifactsError} from './errors.js'
import {loadPublicKey, publicKeyHint} from './keys.js'
import {hashModel} from './manifest.js'
import {DEFAULT_IGNORE_PATHS, mergeIgnorePaths} from './paths.js'
import {loadCertificates} from './pem-certificates.js'
import {ignoreMatcherFor, resolveTarget, userIgnorePaths, type ModelTarget} from './target.js'
import {append} from '../core/arrays.js'

export interface VerifyOptions {
  /** Public key (PEM) for the key method. */
  key?: string
  /** Trusted certificates (PEM files: the root, and intermediates as needed) for the certificate method. */
  certChain?: string[]
  signature?: string
  ignorePaths?: string[]
  ignoreUnsignedFiles?: boolean
  concurrency?: number
  /** Verification time (default now); for tests of certificate validity. */
  now?: Date
  onProgress?: OnProgress
}

/** Signature bundles list every file; this bound still covers millions of files. */
const MAX_SIGNATURE_BYTES = 256 * 1024 * 1024

/** Reads and parses a signature bundle; unreadable or malformed files are exit-2 errors. */
export async function readBundle(path: string): Promise<ParsedBundle> {
  let text: string
  try {
    if ((await stat(path)).size > MAX_SIGNATURE_BYTES) {
      throw artifactsError(
        'SIGNATURE_MALFORMED',
        `${path} is larger than ${MAX_SIGNATURE_BYTES} bytes; not a signature.`,
      )
    }
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw fsError(error, path)
  }
  return parseBundle(text, path)
}

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

async function checkKeyMethod(parsed: ParsedBundle, keyPath: string, sigFile: string) {
  const key = await loadPublicKey(keyPath)
  const mismatches: Mismatch[] = []
  const fingerprint = publicKeyHint(key)
  if (!verifiesWithAny(parsed, key)) {
    const named = bundleKeyFingerprint(parsed)
    const detail =
      named && named !== fingerprint
        ? `signed by a different key (fingerprint ${named}), not ${keyPath}`
        : `the signature does not match the signed statement with ${keyPath}`
    mismatches.push({path: sigFile, reason: 'bad-signature', detail})
  }
  return {mismatches, signer: {keyFingerprint: fingerprint} as Signer}
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

async function checkCertificateMethod(parsed: ParsedBundle, chainFiles: string[], sigFile: string, now: Date) {
  // The X.509 library loads only for the certificate method, so key-method runs start fast.
  const {verifyCertificateChain} = await import('./chain.js')
  const trusted = await loadCertificates(chainFiles)
  const [leaf, ...intermediates] = bundleCertificates(parsed, sigFile)
  const {problems, signer} = verifyCertificateChain(leaf, intermediates, trusted, now)
  const mismatches: Mismatch[] = problems.map((problem) => ({path: sigFile, ...problem}))
  if (!verifiesWithAny(parsed, leaf.publicKey)) {
    mismatches.unshift({
      path: sigFile,
      reason: 'bad-signature',
      detail: 'the signature does not match the leaf certificate',
    })
  }
  return {mismatches, signer}
}

async function checkSignature(parsed: ParsedBundle, options: VerifyOptions, target: ModelTarget) {
  const sigFile = target.signaturePath
  if (parsed.method === 'sigstore') {
    throw artifactsError(
      'SIGNATURE_UNSUPPORTED',
      `${sigFile} was made with sigstore keyless signing, which llmsec does not verify (it needs Fulcio and Rekor); use model_signing or cosign.`,
    )
  }
  if (parsed.method === 'key') {
    if (!options.key) throw usageError(`${sigFile} was signed with a key: pass --key <public.pem>.`)
    return checkKeyMethod(parsed, options.key, sigFile)
  }
  if (!options.certChain?.length) {
    throw usageError(`${sigFile} was signed with a certificate: pass --cert-chain <root.pem>.`)
  }
  return checkCertificateMethod(parsed, options.certChain, sigFile, options.now ?? new Date())
}

/**
 * Verifies a model against an OMS signature bundle: the DSSE signature (key or
 * certificate method, with chain, validity and key usage checks), then every file's
 * digest. Returns every difference; throws only for unusable input (exit 2).
 */
export async function verifyModel(modelPath: string, options: VerifyOptions): Promise<VerifyResult> {
  const started = performance.now()
  const target = await resolveTarget(modelPath, options.signature)
  const parsed = await readBundle(target.signaturePath)
  const {mismatches, signer} = await checkSignature(parsed, options, target)
  const {serialization, resources} = parsed.statement.predicate
  const recorded = serialization.ignore_paths ?? []
  const ignorePaths = mergeIgnorePaths(DEFAULT_IGNORE_PATHS, recorded, userIgnorePaths(target, options.ignorePaths))
  const model = await enumerateModel(target.root, {
    allowSymlinks: serialization.allow_symlinks,
    isIgnored: ignoreMatcherFor(target, ignorePaths),
  })
  const shards = serialization.method === 'shards'
  const signedFiles = new Set(resources.map((resource) => fileOfResource(resource.name, shards)))
  const toHash = model.files.filter((file) => signedFiles.has(file.name))
  const local = await hashModel(toHash, serialization, options)
  append(
    mismatches,
    compareManifest({
      signed: resources,
      local: local.resources,
      files: model.files,
      shards,
      ignoreUnsignedFiles: Boolean(options.ignoreUnsignedFiles),
    }),
  )
  return {
    verified: mismatches.length === 0,
    method: parsed.method as 'key' | 'certificate',
    model: target.root,
    signatureFile: target.signaturePath,
    signer,
    files: signedFiles.size,
    bytes: local.bytes,
    hashType: serialization.hash_type,
    ignorePaths: target.isDirectory ? ignorePaths : [],
    mismatches,
    durationMs: Math.round(performance.now() - started),
  }
}
