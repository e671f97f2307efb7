import type {OmsBundle, OmsStatement, SigningMethod} from './artifacts.types.js'
import {IN_TOTO_PAYLOAD_TYPE} from './dsse.js'
import {artifactsError} from './errors.js'

export const BUNDLE_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json'
export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1'
export const PREDICATE_TYPE = 'https://model_signing/signature/v1.0'
const LEGACY_PREDICATE_TYPE = 'https://model_signing/Digests/v0.1'

export interface ParsedBundle {
  bundle: OmsBundle
  /** The decoded DSSE payload bytes (what the signature covers), not yet trusted. */
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

/** Bounds on what a signed statement may ask llmsec to do, checked before any hashing. */
const STATEMENT_LIMITS = {
  /** Resources (files or shards); each costs a hash job and a comparison. */
  maxResources: 1_000_000,
  /** Bytes of one resource name (Linux PATH_MAX). */
  maxNameBytes: 4096,
  /** Entries of serialization.ignore_paths. */
  maxIgnorePaths: 10_000,
  /** Largest shard_size (a shard is hashed in one job; 2^53 is the JSON integer limit anyway). */
  maxShardSize: Number.MAX_SAFE_INTEGER,
} as const

const SHARD_SUFFIX = /^(.*):(\d+):(\d+)$/

/**
 * A resource name: a canonical relative path, or `.` for a single-file model (as the
 * reference names it); shards add `:start:end` with start < end.
 */
function checkResourceName(f: Fields, name: string, where: string, shards: boolean): void {
  if (Buffer.byteLength(name) > STATEMENT_LIMITS.maxNameBytes) {
    f.fail(`field ${where}.name is longer than ${STATEMENT_LIMITS.maxNameBytes} bytes`)
  }
  let file = name
  if (shards) {
    const match = SHARD_SUFFIX.exec(name)
    if (!match || !(Number(match[2]) < Number(match[3])))
      f.fail(`field ${where}.name "${name}" is not "path:start:end"`)
    file = match[1]
  }
  if (file === '.') return
  const parts = file.split('/')
  if (file.startsWith('/') || parts.some((part) => part === '..' || part === '.' || part === '')) {
    f.fail(`field ${where}.name "${name}" is not a canonical relative path`)
  }
}

function checkSerialization(f: Fields, serialization: Json, base: string): boolean {
  const method = f.string(serialization.method, `${base}.method`)
  if (method !== 'files' && method !== 'shards') f.fail(`field ${base}.method is ${method}`)
  f.string(serialization.hash_type, `${base}.hash_type`)
  if (typeof serialization.allow_symlinks !== 'boolean') {
    if (serialization.allow_symlinks === undefined) f.fail(`lacks field ${base}.allow_symlinks`)
    f.fail(`field ${base}.allow_symlinks must be true or false`)
  }
  if (serialization.ignore_paths !== undefined) {
    const paths = f.array(serialization.ignore_paths, `${base}.ignore_paths`, 0, STATEMENT_LIMITS.maxIgnorePaths)
    paths.forEach((entry, i) => f.string(entry, `${base}.ignore_paths[${i}]`))
  }
  if (method !== 'shards') return false
  const size = serialization.shard_size
  if (!Number.isSafeInteger(size) || (size as number) < 1) {
    f.fail(`lacks field ${base}.shard_size (a positive integer, required for shards)`)
  }
  return true
}

function checkPredicate(f: Fields, predicate: Json): void {
  const base = 'payload.predicate'
  const shards = checkSerialization(
    f,
    f.object(predicate.serialization, `${base}.serialization`),
    `${base}.serialization`,
  )
  const resources = f.array(predicate.resources, `${base}.resources`, 1, STATEMENT_LIMITS.maxResources)
  resources.forEach((resource, i) => {
    const where = `${base}.resources[${i}]`
    const entry = f.object(resource, where)
    checkResourceName(f, f.string(entry.name, `${where}.name`), where, shards)
    if (!/^(?:[0-9a-f]{2})+$/.test(f.string(entry.digest, `${where}.digest`)))
      f.fail(`field ${where}.digest is not hex`)
    f.string(entry.algorithm, `${where}.algorithm`)
  })
}

/**
 * Parses the in-toto statement of a bundle whose signature has been verified: the OMS
 * predicate with exactly one subject, every field and bound checked. Errors name the field.
 */
export function parseStatement(payload: Buffer, file: string): OmsStatement {
  const f = new Fields(file, 'Re-create it with llmsec sign.')
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
  // OMS (and the reference verifier) require exactly one subject: the model and its root digest.
  const [subject] = f.array(statement.subject, 'payload.subject', 1, 1)
  const entry = f.object(subject, 'payload.subject[0]')
  f.string(entry.name, 'payload.subject[0].name', false)
  const digest = f.string(
    f.object(entry.digest, 'payload.subject[0].digest').sha256,
    'payload.subject[0].digest.sha256',
  )
  if (!/^[0-9a-f]{64}$/.test(digest)) f.fail('field payload.subject[0].digest.sha256 is not a SHA-256 hex digest')
  checkPredicate(f, f.object(statement.predicate, 'payload.predicate'))
  return statement as unknown as OmsStatement
}

/**
 * Parses an OMS bundle (sigstore bundle v0.3 with a DSSE envelope) and checks its
 * structure, accepting the older forms OMS §11 lists. The payload is returned undecoded:
 * nothing in it is read until its signature has verified (parseStatement). Every problem is
 * one error naming the file and the field.
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
  return {bundle: top as unknown as OmsBundle, payload, method}
}
