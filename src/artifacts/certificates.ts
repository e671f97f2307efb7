import 'reflect-metadata'

import {createPublicKey, randomBytes, webcrypto, type X509Certificate, type KeyObject} from 'node:crypto'

import * as x509 from '@peculiar/x509'

import {coreError, usageError} from '../core/errors.js'
import {artifactsError} from './errors.js'
import {signatureHashFor} from './keys.js'
import {KeyUsage} from './pem-certificates.js'

// @peculiar/x509 builds certificates over WebCrypto; Node's own implementation is all it needs.
x509.cryptoProvider.set(webcrypto as never)

const CODE_SIGNING_OID = '1.3.6.1.5.5.7.3.3'
/** codeSigning, or anyExtendedKeyUsage (RFC 5280 §4.2.1.12). */
const CODE_SIGNING_USAGES = new Set([CODE_SIGNING_OID, '2.5.29.37.0'])
const DAY_MS = 86_400_000
const WEB_CURVES: Record<string, string> = {prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521'}
const WEB_HASHES: Record<string, string> = {sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512'}

/** The WebCrypto algorithm matching a node:crypto key (EC by curve, or RSA PKCS#1 v1.5). */
type WebAlgorithm = webcrypto.EcKeyImportParams & webcrypto.EcdsaParams

function webAlgorithm(key: KeyObject): WebAlgorithm {
  const hash = WEB_HASHES[signatureHashFor(key) ?? ''] ?? 'SHA-256'
  if (key.asymmetricKeyType === 'ec') {
    const namedCurve = WEB_CURVES[key.asymmetricKeyDetails?.namedCurve ?? '']
    return {name: 'ECDSA', namedCurve, hash}
  }
  if (key.asymmetricKeyType === 'rsa') return {name: 'RSASSA-PKCS1-v1_5', hash} as never
  throw coreError('KEY_UNSUPPORTED', `Certificates need an EC or RSA key, not ${key.asymmetricKeyType}.`)
}

async function toCryptoKeys(
  privateKey: KeyObject | undefined,
  publicKey: KeyObject,
): Promise<{publicKey: webcrypto.CryptoKey; privateKey: webcrypto.CryptoKey}> {
  const algorithm = webAlgorithm(publicKey)
  const spki = publicKey.export({type: 'spki', format: 'der'})
  const pub = await webcrypto.subtle.importKey('spki', spki, algorithm, true, ['verify'])
  const pkcs8 = privateKey?.export({type: 'pkcs8', format: 'der'})
  const priv = pkcs8 ? await webcrypto.subtle.importKey('pkcs8', pkcs8, algorithm, false, ['sign']) : undefined
  return {publicKey: pub, privateKey: priv as webcrypto.CryptoKey}
}

function serialNumber(): string {
  const bytes = randomBytes(16)
  bytes[0] &= 0x7f // a positive INTEGER
  return bytes.toString('hex')
}

export interface Validity {
  /** Start of validity (default now). */
  notBefore?: Date
  /** Length of validity in days. */
  days: number
}

function validityOf(validity: Validity): {notBefore: Date; notAfter: Date} {
  if (!Number.isFinite(validity.days) || validity.days <= 0 || validity.days > 36_500) {
    throw usageError(`Validity of ${validity.days} days is out of range (1 to 36500).`)
  }
  const notBefore = validity.notBefore ?? new Date()
  return {notBefore, notAfter: new Date(notBefore.getTime() + validity.days * DAY_MS)}
}

const RDN = /^\s*([A-Za-z][A-Za-z0-9-]*|\d+(\.\d+)+)\s*=\s*\S/

function checkSubject(subject: string): string {
  const fail = () =>
    usageError(`Subject "${subject}" is not a distinguished name like "CN=Release signing, O=Example".`)
  // @peculiar/x509 accepts free text as a name, so check the attribute=value form first.
  if (!subject.split(/(?<!\\)[,+]/).every((part) => RDN.test(part))) throw fail()
  try {
    new x509.Name(subject)
  } catch {
    throw fail()
  }
  return subject
}

/** Creates a self-signed CA certificate (BasicConstraints CA, keyCertSign) for a key pair. */
export async function createCaCertificate(privateKey: KeyObject, subject: string, validity: Validity): Promise<string> {
  const publicKey = createPublicKey(privateKey)
  const keys = await toCryptoKeys(privateKey, publicKey)
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: checkSubject(subject),
    ...validityOf(validity),
    keys,
    signingAlgorithm: webAlgorithm(publicKey),
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(KeyUsage.keyCertSign | KeyUsage.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  })
  return cert.toString('pem') + '\n'
}

export interface IssueOptions extends Validity {
  subject: string
  /** Key usages of the new certificate (default digitalSignature). */
  keyUsage?: number
  /** Extended key usages (default codeSigning); an empty list omits the extension. */
  extendedKeyUsage?: string[]
}

/** Issues a signing certificate for `subjectKey`, signed by the CA's key and certificate. */
export async function issueCertificate(
  subjectKey: KeyObject,
  caCertPem: string,
  caKey: KeyObject,
  options: IssueOptions,
): Promise<string> {
  const caCert = new x509.X509Certificate(caCertPem)
  if (!sameSpki(caCert, caKey))
    throw artifactsError('CERT_KEY_MISMATCH', 'The CA key does not belong to the CA certificate.')
  const subjectPublic = subjectKey.type === 'private' ? createPublicKey(subjectKey) : subjectKey
  const subjectKeys = await toCryptoKeys(undefined, subjectPublic)
  const caKeys = await toCryptoKeys(caKey, createPublicKey(caKey))
  const eku = options.extendedKeyUsage ?? [CODE_SIGNING_OID]
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: checkSubject(options.subject),
    issuer: caCert.subject,
    ...validityOf(options),
    publicKey: subjectKeys.publicKey,
    signingKey: caKeys.privateKey,
    signingAlgorithm: webAlgorithm(createPublicKey(caKey)),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(options.keyUsage ?? KeyUsage.digitalSignature, true),
      ...(eku.length > 0 ? [new x509.ExtendedKeyUsageExtension(eku, false)] : []),
      await x509.SubjectKeyIdentifierExtension.create(subjectKeys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(caCert),
    ],
  })
  return cert.toString('pem') + '\n'
}

function sameSpki(cert: x509.X509Certificate, key: KeyObject): boolean {
  const certSpki = Buffer.from(cert.publicKey.rawData)
  const keySpki = createPublicKey(key).export({type: 'spki', format: 'der'})
  return certSpki.equals(keySpki)
}

/**
 * Validity dates and whether the certificate may sign code: the key usage, when present,
 * has digitalSignature, and the extended key usage, when present, has codeSigning (or any).
 */
export function describeCertificate(cert: X509Certificate): {
  notBefore: Date
  notAfter: Date
  digitalSignature: boolean
  codeSigning: boolean
} {
  const parsed = new x509.X509Certificate(cert.raw)
  const usage = parsed.getExtension(x509.KeyUsagesExtension)
  const extended = parsed.getExtension(x509.ExtendedKeyUsageExtension)
  return {
    notBefore: parsed.notBefore,
    notAfter: parsed.notAfter,
    digitalSignature: !usage || Boolean(usage.usages & KeyUsage.digitalSignature),
    codeSigning: !extended || extended.usages.map(String).some((oid) => CODE_SIGNING_USAGES.has(oid)),
  }
}
