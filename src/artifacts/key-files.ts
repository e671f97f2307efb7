import {createPrivateKey, createPublicKey} from 'node:crypto'
import {join} from 'node:path'

import {ensureDirectory, refuseExisting, writeFileAtomic} from '../core/fs.js'
import type {IssueOptions} from './certificates.js'
import {
  generateKeyPairPem,
  loadPrivateKey,
  loadPublicKey,
  publicKeyHint,
  readPemFile,
  writeKeyPair,
  type KeyAlgorithm,
} from './keys.js'

export interface KeyFilesResult {
  privateKey?: string
  publicKey: string
  certificate?: string
  algorithm?: KeyAlgorithm
  fingerprint: string
  encrypted: boolean
}

export interface GenerateKeyOptions {
  algorithm: KeyAlgorithm
  passphrase?: string
  force?: boolean
}

/** `llmsec keys generate`: <out>/private.pem (0600) and <out>/public.pem. */
export async function generateKeyFiles(outDir: string, options: GenerateKeyOptions): Promise<KeyFilesResult> {
  const pair = generateKeyPairPem(options.algorithm, options.passphrase)
  const written = await writeKeyPair(outDir, pair, {force: options.force})
  return {...written, algorithm: options.algorithm, encrypted: Boolean(options.passphrase)}
}

export interface CaOptions extends GenerateKeyOptions {
  subject: string
  days: number
  notBefore?: Date
}

/** `llmsec keys ca`: a new key pair and a self-signed CA certificate in <out>/ca-*.pem. */
export async function createCaFiles(outDir: string, options: CaOptions): Promise<KeyFilesResult> {
  const certificate = join(outDir, 'ca-cert.pem')
  await refuseExisting([certificate, join(outDir, 'ca-private.pem'), join(outDir, 'ca-public.pem')], options.force)
  const pair = generateKeyPairPem(options.algorithm, options.passphrase)
  const privateKey = createPrivateKey({key: pair.privatePem, passphrase: options.passphrase})
  const {createCaCertificate} = await import('./certificates.js')
  const pem = await createCaCertificate(privateKey, options.subject, options)
  const written = await writeKeyPair(outDir, pair, {force: options.force, prefix: 'ca-'})
  await writeFileAtomic(certificate, pem)
  return {...written, certificate, algorithm: options.algorithm, encrypted: Boolean(options.passphrase)}
}

export interface CertOptions extends GenerateKeyOptions, IssueOptions {
  caCert: string
  caKey: string
  caPassphrase?: string
  /** Certify this existing public key instead of generating a key pair. */
  publicKey?: string
}

/** `llmsec keys cert`: a signing certificate <out>/cert.pem, with a new key pair unless one is given. */
export async function issueCertificateFiles(outDir: string, options: CertOptions): Promise<KeyFilesResult> {
  const certificate = join(outDir, 'cert.pem')
  const fresh = options.publicKey === undefined
  const planned = fresh ? [certificate, join(outDir, 'private.pem'), join(outDir, 'public.pem')] : [certificate]
  await refuseExisting(planned, options.force)
  const caKey = await loadPrivateKey(options.caKey, options.caPassphrase)
  const caPem = await readPemFile(options.caCert, 'CA certificate')
  const pair = fresh ? generateKeyPairPem(options.algorithm, options.passphrase) : undefined
  const subjectKey = pair ? createPublicKey(pair.publicPem) : await loadPublicKey(options.publicKey as string)
  const {issueCertificate} = await import('./certificates.js')
  const pem = await issueCertificate(subjectKey, caPem, caKey, options)
  await ensureDirectory(outDir, 0o700)
  const written = pair ? await writeKeyPair(outDir, pair, {force: options.force}) : undefined
  await writeFileAtomic(certificate, pem)
  return {
    privateKey: written?.privateKey,
    publicKey: written?.publicKey ?? (options.publicKey as string),
    certificate,
    algorithm: fresh ? options.algorithm : undefined,
    fingerprint: publicKeyHint(subjectKey),
    encrypted: Boolean(pair && options.passphrase),
  }
}
