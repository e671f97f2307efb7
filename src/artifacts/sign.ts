import {createPublicKey, type KeyObject, type X509Certificate} from 'node:crypto'
import {basename} from 'node:path'

import {usageError} from '../core/errors.js'
import {writeFileAtomic} from '../core/fs.js'
import type {OnProgress} from '../core/progress.js'
import type {OmsBundle, OmsStatement, Serialization, SignResult} from './artifacts.types.js'
import {BUNDLE_MEDIA_TYPE, PREDICATE_TYPE, STATEMENT_TYPE} from './bundle-parse.js'
import {IN_TOTO_PAYLOAD_TYPE, signPayload} from './dsse.js'
import {enumerateModel} from './enumerate.js'
import {artifactsError} from './errors.js'
import {isPrivateKeyEncrypted, loadPrivateKey, publicKeyHint, readPemFile, sameKey} from './keys.js'
import {computeRootDigest, hashModel} from './manifest.js'
import {gitIgnorePaths, mergeIgnorePaths} from './paths.js'
import {loadCertificates} from './pem-certificates.js'
import {ignoreMatcherFor, resolveTarget, userIgnorePaths} from './target.js'

export interface SignOptions {
  /** PKCS#8 PEM private key. */
  key: string
  /** Passphrase of an encrypted private key. */
  passphrase?: string
  /** Signing certificate (PEM) for the certificate method; extra certificates in it join the chain. */
  cert?: string
  /** PEM files with the CA chain to embed after the leaf. */
  chain?: string[]
  /** Where to write the bundle (default <dir>/model.sig or <file>.sig). */
  signature?: string
  ignorePaths?: string[]
  /** Leave out .git, .gitattributes, .github and .gitignore (default true, as the reference). */
  ignoreGitPaths?: boolean
  allowSymlinks?: boolean
  concurrency?: number
  onProgress?: OnProgress
}

/** Whether a private key file needs a passphrase (so the CLI can ask for one first). */
export async function keyNeedsPassphrase(path: string): Promise<boolean> {
  return isPrivateKeyEncrypted(await readPemFile(path, 'private key'))
}

async function certificateMaterial(options: SignOptions, key: KeyObject): Promise<OmsBundle['verificationMaterial']> {
  const [leaf, ...rest] = await loadCertificates([options.cert as string])
  if (!sameKey(leaf.publicKey, createPublicKey(key))) {
    throw artifactsError('CERT_KEY_MISMATCH', `${options.cert} does not certify the key in ${options.key}.`)
  }
  await checkSigningCertificate(leaf, options.cert as string)
  const chain: X509Certificate[] = [leaf, ...rest, ...(await loadCertificates(options.chain ?? []))]
  return {x509CertificateChain: {certificates: chain.map((cert) => ({rawBytes: cert.raw.toString('base64')}))}}
}

/** A signature made with a certificate that is expired, not yet valid or not for signing would never verify. */
async function checkSigningCertificate(leaf: X509Certificate, file: string, now = new Date()): Promise<void> {
  const {describeCertificate} = await import('./certificates.js')
  const info = describeCertificate(leaf)
  const fail = (why: string) =>
    artifactsError('CERT_UNUSABLE', `${file} ${why}; sign with a current code-signing certificate.`)
  if (now < info.notBefore) throw fail(`is not valid before ${info.notBefore.toISOString()}`)
  if (now > info.notAfter) throw fail(`expired on ${info.notAfter.toISOString()}`)
  if (!info.digitalSignature) throw fail('has a key usage without digitalSignature')
  if (!info.codeSigning) throw fail('has an extended key usage without codeSigning')
}

/**
 * Signs a model (directory or file) in the OpenSSF Model Signing format: hashes every
 * file on worker threads, builds the in-toto statement, signs it in a DSSE envelope and
 * writes the sigstore bundle atomically.
 */
export async function signModel(modelPath: string, options: SignOptions): Promise<SignResult> {
  const started = performance.now()
  if (options.chain?.length && !options.cert) throw usageError('--chain needs --cert.')
  const target = await resolveTarget(modelPath, options.signature)
  const key = await loadPrivateKey(options.key, options.passphrase)
  const material = options.cert ? await certificateMaterial(options, key) : {publicKey: {hint: publicKeyHint(key)}}
  // Recorded as the reference records them: git paths (unless --no-ignore-git-paths), the
  // user's paths and the signature file, so that any OMS verifier leaves out the same files.
  const ignored = target.isDirectory
    ? mergeIgnorePaths(
        gitIgnorePaths(options.ignoreGitPaths),
        userIgnorePaths(target, options.ignorePaths),
        target.signatureName ? [target.signatureName] : [],
      )
    : []
  const allowSymlinks = Boolean(options.allowSymlinks)
  const model = await enumerateModel(target.root, {allowSymlinks, isIgnored: ignoreMatcherFor(target, ignored)})
  if (model.files.length === 0) {
    throw artifactsError('MODEL_EMPTY', `${modelPath} has no files to sign (after ignore paths).`)
  }
  const serialization: Serialization = {
    method: 'files',
    hash_type: 'sha256',
    allow_symlinks: allowSymlinks,
    ignore_paths: ignored,
  }
  const {resources, bytes} = await hashModel(model.files, serialization, options)
  const rootDigest = computeRootDigest(resources)
  const statement: OmsStatement = {
    _type: STATEMENT_TYPE,
    subject: [{name: basename(target.root), digest: {sha256: rootDigest}}],
    predicateType: PREDICATE_TYPE,
    predicate: {resources, serialization},
  }
  const payload = Buffer.from(JSON.stringify(statement), 'utf8')
  const bundle: OmsBundle = {
    mediaType: BUNDLE_MEDIA_TYPE,
    verificationMaterial: material,
    dsseEnvelope: {
      payload: payload.toString('base64'),
      payloadType: IN_TOTO_PAYLOAD_TYPE,
      signatures: [{sig: signPayload(IN_TOTO_PAYLOAD_TYPE, payload, key).toString('base64')}],
    },
  }
  await writeFileAtomic(target.signaturePath, `${JSON.stringify(bundle, null, 2)}\n`)
  return {
    model: target.root,
    signatureFile: target.signaturePath,
    method: options.cert ? 'certificate' : 'key',
    files: resources.length,
    bytes,
    rootDigest,
    keyFingerprint: publicKeyHint(key),
    ignorePaths: ignored,
    ignoredFiles: model.ignored,
    durationMs: Math.round(performance.now() - started),
  }
}
