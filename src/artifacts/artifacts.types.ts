/** Types shared by the artifacts domain (OMS manifests, bundles, keys and verification). */

/** One in-toto resource descriptor of the OMS predicate. */
export interface ResourceDescriptor {
  name: string
  digest: string
  algorithm: string
}

/** The OMS `serialization` object (snake_case keys as the spec defines them). */
export interface Serialization {
  method: 'files' | 'shards'
  hash_type: string
  allow_symlinks: boolean
  shard_size?: number
  ignore_paths?: string[]
}

/** The in-toto Statement v1 with the OMS predicate. */
export interface OmsStatement {
  _type: 'https://in-toto.io/Statement/v1'
  subject: {name: string; digest: {sha256: string}}[]
  predicateType: 'https://model_signing/signature/v1.0'
  predicate: {resources: ResourceDescriptor[]; serialization: Serialization}
}

/** A DSSE signature; keyid may be absent, empty or null in bundles of other tools. */
export interface DsseSignature {
  sig: string
  keyid?: string | null
}

export interface DsseEnvelope {
  payload: string
  payloadType: string
  signatures: DsseSignature[]
}

/** The sigstore bundle v0.3 as OMS uses it (key, certificate and sigstore methods). */
export interface OmsBundle {
  mediaType: string
  verificationMaterial: {
    publicKey?: {hint?: string; rawBytes?: string; keyDetails?: string}
    x509CertificateChain?: {certificates: {rawBytes: string}[]}
    certificate?: {rawBytes: string}
    tlogEntries?: unknown[]
    timestampVerificationData?: unknown
  }
  dsseEnvelope: DsseEnvelope
}

/** A file of the model as enumerated on disk. */
export interface ModelFile {
  /** Canonical relative POSIX path (the resource name). */
  name: string
  /** Absolute path to read (the symlink target when symlinks are allowed). */
  path: string
  size: number
}

/** Why verification failed for one path or for the signature as a whole. */
export type MismatchReason =
  | 'modified'
  | 'missing'
  | 'extra'
  | 'bad-signature'
  | 'untrusted-signer'
  | 'certificate-expired'
  | 'certificate-not-yet-valid'
  | 'wrong-key-usage'

export interface Mismatch {
  /** The model file, or the signature file for signature-level problems. */
  path: string
  reason: MismatchReason
  detail?: string
}

/** Who signed, as far as the verification material says. */
export interface Signer {
  /** sha256 of the PEM public key (the OMS `publicKey.hint`). */
  keyFingerprint: string
  /** Certificate method only. */
  subject?: string
  issuer?: string
  serialNumber?: string
  notBefore?: string
  notAfter?: string
}

/** The result of `llmsec verify` (also its --json document). */
export interface VerifyResult {
  verified: boolean
  method: 'key' | 'certificate'
  model: string
  signatureFile: string
  signer: Signer | null
  /** Number of resources in the signed manifest. */
  files: number
  /** Bytes hashed on this host. */
  bytes: number
  hashType: string
  ignorePaths: string[]
  mismatches: Mismatch[]
  durationMs: number
}

/** The result of `llmsec sign`. */
export interface SignResult {
  model: string
  signatureFile: string
  method: 'key' | 'certificate'
  files: number
  bytes: number
  rootDigest: string
  keyFingerprint: string
  ignorePaths: string[]
  durationMs: number
}
