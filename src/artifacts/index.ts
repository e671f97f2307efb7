/** Model artifact signing and verification in the OpenSSF Model Signing (OMS) format. */
export type * from './artifacts.types.js'
export {ARTIFACTS_ERRORS, artifactsError, type ArtifactsErrorCode} from './errors.js'
export {parseBundle, BUNDLE_MEDIA_TYPE, PREDICATE_TYPE, type ParsedBundle} from './bundle-parse.js'
export type {IssueOptions} from './certificates.js'
export {KeyUsage, loadCertificates, parsePemCertificates} from './pem-certificates.js'
export {enumerateModel} from './enumerate.js'
export {hashJobs} from './hash-pool.js'
export {
  generateKeyPairPem,
  KEY_ALGORITHMS,
  loadPrivateKey,
  loadPublicKey,
  publicKeyHint,
  writeKeyPair,
  type KeyAlgorithm,
} from './keys.js'
export {computeRootDigest, hashModel} from './manifest.js'
export {keyNeedsPassphrase, signModel, type SignOptions} from './sign.js'
export {readBundle, verifyModel, type VerifyOptions} from './verify.js'
export {exitCodeFor} from './policy.js'
export {createCaFiles, generateKeyFiles, issueCertificateFiles, type KeyFilesResult} from './key-files.js'
