import {errorConstructor, usageCode, type ErrorCodes} from '../core/errors.js'

/**
 * Codes of signing and verification. A signature that does not verify is a result (exit 1), not
 * an error: these are inputs llmsec cannot use. Keys and passphrases use the core codes.
 */
export const ARTIFACTS_ERRORS = {
  SIGNATURE_MALFORMED: usageCode('The signature file is not a valid OpenSSF Model Signing (sigstore) bundle.'),
  SIGNATURE_UNSUPPORTED: usageCode(
    'The signature uses a hash or format llmsec does not verify (blake3, model_signing 0.2).',
  ),
  TRUST_ROOT_MALFORMED: usageCode('The Sigstore trusted root file (--trust-root) is not a usable trusted_root.json.'),
  CERT_UNUSABLE: usageCode(
    'The signing certificate cannot sign now: expired, not yet valid, or without the digitalSignature key usage.',
  ),
  CERT_MALFORMED: usageCode('A certificate file holds no usable PEM certificate.'),
  CERT_KEY_MISMATCH: usageCode('A certificate does not certify the private key given with it.'),
  SYMLINK_REFUSED: usageCode('A symlink in the model is dangling, leaves the model, loops, or was not allowed.'),
  PATH_INVALID: usageCode(
    'A model path or ignore path llmsec cannot sign: outside the model, a glob, not UTF-8, a special file, or too many files.',
  ),
  MODEL_EMPTY: usageCode('The model has no files to sign (after ignore paths).'),
} as const satisfies ErrorCodes<string>

export type ArtifactsErrorCode = keyof typeof ARTIFACTS_ERRORS

/** An error of the artifacts domain. */
export const artifactsError = errorConstructor<ArtifactsErrorCode>(ARTIFACTS_ERRORS)
