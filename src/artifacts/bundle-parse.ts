import type {OmsBundle, OmsStatement} from './artifacts.types.js'
import {IN_TOTO_PAYLOAD_TYPE} from './dsse.js'
import {artifactsError} from './errors.js'

export const BUNDLE_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json'
export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1'
export const PREDICATE_TYPE = 'https://model_signing/signature/v1.0'
const LEGACY_PREDICATE_TYPE = 'https://model_signing/Digests/v0.1'

type SigningMethod = 'key' | 'certificate' | 'sigstore'

export interface ParsedBundle {
  bundle: OmsBundle
  statement: OmsStatement
  /** The decoded DSSE payload bytes (what the signature covers). */
  payload: Buffer
  method: SigningMethod
}

type Json = Record<string, unknown>

/** A reader of one JSON object that names the full field path in every error. */
class Fields {
  constructor(
    private readonly file: string,
    private readonly hint: string,
  ) {}

  fail(message: string): never {
    throw artifactsError('SIGNATURE_MALFORMED', `${this.file}: ${message}. ${this.hint}`)
  }

  object(value: unknown, path: string): Json {
    if (value === undefined) this.fail(`lacks field ${path}`)
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      this.fail(`field ${path} must be an object`)
    return value as Json
  }

  string(value: unknown, path: string, nonEmpty = true): string {
    if (value === undefined) this.fail(`lacks field ${path}`)
    if (typeof value !== 'string') this.fail(`field ${path} must be a string`)
    if (nonEmpty && value === '') this.fail(`field ${path} is empty`)
    return value
  }

  array(value: unknown, path: string, minItems = 1, maxItems = Number.MAX_SAFE_INTEGER): unknown[] {
    if (value === undefined) this.fail(`lacks field ${path}`)
    if (!Array.isArray(value)) this.fail(`field ${path} must be an array`)
    if (value.length < minItems) this.fail(`field ${path} must have at least ${minItems} item(s)`)
    if (value.length > maxItems) this.fail(`field ${path} has more than ${maxItems} items`)
    return value
  }
}

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/
/** Bounds on lists that cost a signature check or a certificate parse per item. */
const MAX_SIGNATURES = 16
const MAX_CERTIFICATES = 16

function checkMaterial(f: Fields, material: Json): SigningMethod {
  const path = 'verificationMaterial'
  if (material.publicKey !== undefined) {
    const key = f.object(material.publicKey, `${path}.publicKey`)
    if (key.hint === undefined && key.rawBytes === undefined) f.fail(`lacks field ${path}.publicKey.hint (or rawBytes)`)
    if (key.hint !== undefined) f.string(key.hint, `${path}.publicKey.hint`)
    if (key.rawBytes !== undefined) f.string(key.rawBytes, `${path}.publicKey.rawBytes`)
    return 'key'
  }
  if (material.x509CertificateChain !== undefined) {
    const chain = f.object(material.x509CertificateChain, `${path}.x509CertificateChain`)
    const certs = f.array(chain.certificates, `${path}.x509CertificateChain.certificates`, 1, MAX_CERTIFICATES)
    certs.forEach((cert, i) => {
      const where = `${path}.x509CertificateChain.certificates[${i}]`
      f.string(f.object(cert, where).rawBytes, `${where}.rawBytes`)
    })
    return 'certificate'
  }
  if (material.certificate !== undefined) {
    f.string(f.object(material.certificate, `${path}.certificate`).rawBytes, `${path}.certificate.rawBytes`)
    f.array(material.tlogEntries, `${path}.tlogEntries`)
    return 'sigstore'
  }
  return f.fail(`lacks field ${path}.publicKey, ${path}.x509CertificateChain or ${path}.certificate`)
}

function checkEnvelope(f: Fields, envelope: Json): Buffer {
  const payload = f.string(envelope.payload, 'dsseEnvelope.payload')
  if (!BASE64.test(payload)) f.fail('field dsseEnvelope.payload is not base64')
  const type = f.string(envelope.payloadType, 'dsseEnvelope.payloadType')
  if (type !== IN_TOTO_PAYLOAD_TYPE)
    f.fail(`field dsseEnvelope.payloadType is ${type}, expected ${IN_TOTO_PAYLOAD_TYPE}`)
  f.array(envelope.signatures, 'dsseEnvelope.signatures', 1, MAX_SIGNATURES).forEach((sig, i) => {
    const entry = f.object(sig, `dsseEnvelope.signatures[${i}]`)
    const value = f.string(entry.sig, `dsseEnvelope.signatures[${i}].sig`)
    if (!BASE64.test(value)) f.fail(`field dsseEnvelope.signatures[${i}].sig is not base64`)
    // keyid may be absent, "" or null (OMS §4.1); anything else is malformed.
    if (entry.keyid !== undefined && entry.keyid !== null && typeof entry.keyid !== 'string') {
      f.fail(`field dsseEnvelope.signatures[${i}].keyid must be a string or null`)
    }
  })
  return Buffer.from(payload, 'base64')
}

function checkResourceName(f: Fields, name: string, where: string): void {
  const parts = name.split('/')
  if (name.startsWith('/') || parts.some((part) => part === '..' || part === '.' || part === '')) {
    f.fail(`field ${where}.name "${name}" is not a canonical relative path`)
  }
}

function checkPredicate(f: Fields, predicate: Json): void {
  const base = 'payload.predicate'
  const serialization = f.object(predicate.serialization, `${base}.serialization`)
  const method = f.string(serialization.method, `${base}.serialization.method`)
  if (method !== 'files' && method !== 'shards') f.fail(`field ${base}.serialization.method is ${method}`)
  f.string(serialization.hash_type, `${base}.serialization.hash_type`)
  if (typeof serialization.allow_symlinks !== 'boolean') {
    if (serialization.allow_symlinks === undefined) f.fail(`lacks field ${base}.serialization.allow_symlinks`)
    f.fail(`field ${base}.serialization.allow_symlinks must be true or false`)
  }
  if (serialization.ignore_paths !== undefined) {
    f.array(serialization.ignore_paths, `${base}.serialization.ignore_paths`, 0).forEach((entry, i) => {
      f.string(entry, `${base}.serialization.ignore_paths[${i}]`)
    })
  }
  if (method === 'shards' && !Number.isSafeInteger(serialization.shard_size)) {
    f.fail(`lacks field ${base}.serialization.shard_size (an integer, required for shards)`)
  }
  f.array(predicate.resources, `${base}.resources`).forEach((resource, i) => {
    const where = `${base}.resources[${i}]`
    const entry = f.object(resource, where)
    checkResourceName(f, f.string(entry.name, `${where}.name`), where)
    if (!/^[0-9a-f]+$/.test(f.string(entry.digest, `${where}.digest`))) f.fail(`field ${where}.digest is not hex`)
    f.string(entry.algorithm, `${where}.algorithm`)
  })
}

function checkStatement(f: Fields, payload: Buffer): OmsStatement {
  let value: unknown
  try {
    value = JSON.parse(payload.toString('utf8'))
  } catch {
    f.fail('field dsseEnvelope.payload does not decode to JSON')
  }
  const statement = f.object(value, 'payload')
  const type = f.string(statement._type, 'payload._type')
  if (type !== STATEMENT_TYPE) f.fail(`field payload._type is ${type}, expected ${STATEMENT_TYPE}`)
  const predicateType = f.string(statement.predicateType, 'payload.predicateType')
  if (predicateType === LEGACY_PREDICATE_TYPE) {
    throw artifactsError(
      'SIGNATURE_UNSUPPORTED',
      `${predicateType} (model_signing 0.2) signatures are not supported; re-sign with llmsec sign.`,
    )
  }
  if (predicateType !== PREDICATE_TYPE)
    f.fail(`field payload.predicateType is ${predicateType}, expected ${PREDICATE_TYPE}`)
  f.array(statement.subject, 'payload.subject').forEach((subject, i) => {
    f.string(f.object(subject, `payload.subject[${i}]`).name, `payload.subject[${i}].name`)
  })
  checkPredicate(f, f.object(statement.predicate, 'payload.predicate'))
  return statement as unknown as OmsStatement
}

/**
 * Parses an OMS bundle (sigstore bundle v0.3 + DSSE + in-toto statement) and checks its
 * structure, accepting the older forms OMS §11 lists. Every problem is one error naming
 * the file and the field.
 */
export function parseBundle(text: string, file: string): ParsedBundle {
  const f = new Fields(file, 'Re-create it with llmsec sign.')
  if (text.trim() === '') f.fail('is empty, expected an OMS signature bundle (JSON)')
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    f.fail(`is not JSON (${(error as Error).message})`)
  }
  const top = f.object(value, 'bundle')
  const mediaType = f.string(top.mediaType, 'mediaType')
  if (!mediaType.startsWith('application/vnd.dev.sigstore.bundle')) {
    f.fail(`field mediaType is ${mediaType}, expected a sigstore bundle media type`)
  }
  const method = checkMaterial(f, f.object(top.verificationMaterial, 'verificationMaterial'))
  const payload = checkEnvelope(f, f.object(top.dsseEnvelope, 'dsseEnvelope'))
  const statement = checkStatement(f, payload)
  return {bundle: top as unknown as OmsBundle, statement, payload, method}
}
