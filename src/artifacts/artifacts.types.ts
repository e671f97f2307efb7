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

/** How a bundle was signed: a public key, an X.509 chain, or Sigstore keyless (Fulcio + Rekor). */
export type SigningMethod = 'key' | 'certificate' | 'sigstore'

/** A file of the model as enumerated on disk. */
export interface ModelFile {
  /** Canonical relative POSIX path (the resource name); `.` for a single-file model. */
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
  | 'identity-mismatch'
  | 'manifest-inconsistent'

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
  /** Certificate and sigstore methods: the leaf's subject alternative names (e-mail, URI, DNS). */
  identities?: string[]
  /** The OIDC issuer recorded in the leaf (Fulcio extension), when present. */
  oidcIssuer?: string
  /** Certificate methods only. */
  subject?: string
  issuer?: string
  serialNumber?: string
  notBefore?: string
  notAfter?: string
}

/** Who must have signed (cosign's --certificate-identity[-regexp] and --certificate-oidc-issuer[-regexp]). */
export interface IdentityPolicy {
  /** The signer's subject alternative name, exactly. */
  identity?: string
  /** An RE2 regular expression the whole subject alternative name must match. */
  identityRegexp?: string
  /** The OIDC issuer in the certificate's Fulcio extension, exactly. */
  issuer?: string
  /** An RE2 regular expression the whole OIDC issuer must match. */
  issuerRegexp?: string
}

/** What verify needs to judge the signer. */
export interface TrustOptions extends IdentityPolicy {
  /** Public key (PEM) for the key method. */
  key?: string
  /** Trusted certificates (PEM files: the root, and intermediates as needed) for the certificate method. */
  certChain?: string[]
  /** Accept a chain that ends at a trusted certificate that is not self-signed (openssl -partial_chain). */
  allowPartialChain?: boolean
  /** Sigstore trusted_root.json for keyless bundles. */
  trustRoot?: string
  /** Verification time for certificate chains (default now). */
  now?: Date
}

/** The verdict on a bundle's signature and signer; the manifest may be read only when `problems` is empty. */
export interface SignatureVerdict {
  problems: Mismatch[]
  signer: Signer | null
}

/** The result of `llmsec verify` (also its --json document). */
export interface VerifyResult {
  verified: boolean
  method: SigningMethod
  model: string
  signatureFile: string
  /** Whether the signature and the signer verified; the manifest is read only when they did. */
  signatureVerified: boolean
  signer: Signer | null
  /** Number of files in the signed manifest (0 when the signature did not verify). */
  files: number
  /** Bytes hashed on this host. */
  bytes: number
  /** serialization.hash_type of the signed manifest; null when the signature did not verify. */
  hashType: string | null
  ignorePaths: string[]
  /** Paths on disk left out by the ignore rules (a directory once, not each file in it). */
  ignoredFiles: string[]
  /** Paths on disk the signature does not list, accepted because of --ignore-unsigned-files. */
  unsignedFiles: string[]
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
  /** Paths on disk left out by the ignore rules (a directory once, not each file in it). */
  ignoredFiles: string[]
  durationMs: number
}
