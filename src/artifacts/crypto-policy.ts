import type {X509Certificate} from 'node:crypto'

import * as pkijs from 'pkijs'

/**
 * What a certificate on a verified path may use: the 112-bit floor of OpenSSL's security
 * level 2 (`openssl verify -auth_level 2`): no MD5 or SHA-1 signatures, RSA keys of at least
 * 2048 bits, the NIST curves from P-224 up, Ed25519 and Ed448.
 */
const RSA_MIN_BITS = 2048
const EC_CURVES = new Set(['secp224r1', 'prime256v1', 'secp384r1', 'secp521r1'])
const SIGNATURE_ALGORITHMS: Record<string, string> = {
  '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption',
  '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption',
  '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption',
  '1.2.840.113549.1.1.14': 'sha224WithRSAEncryption',
  '1.2.840.10045.4.3.1': 'ecdsa-with-SHA224',
  '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
  '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
  '1.3.101.112': 'Ed25519',
  '1.3.101.113': 'Ed448',
}
const RSA_PSS = '1.2.840.113549.1.1.10'
const PSS_HASHES = new Set([
  '2.16.840.1.101.3.4.2.1',
  '2.16.840.1.101.3.4.2.2',
  '2.16.840.1.101.3.4.2.3',
  '2.16.840.1.101.3.4.2.4',
])

/** RSASSA-PSS is acceptable only with a SHA-2 hash; its default parameters mean SHA-1. */
function pssHashAllowed(algorithm: pkijs.AlgorithmIdentifier): boolean {
  if (!algorithm.algorithmParams) return false
  try {
    const params = new pkijs.RSASSAPSSParams({schema: algorithm.algorithmParams})
    return PSS_HASHES.has(params.hashAlgorithm.algorithmId)
  } catch {
    return false
  }
}

/** Why the certificate's own signature algorithm is too weak, or undefined. */
export function weakSignature(cert: pkijs.Certificate): string | undefined {
  const algorithm = cert.signatureAlgorithm
  if (algorithm.algorithmId in SIGNATURE_ALGORITHMS) return undefined
  if (algorithm.algorithmId === RSA_PSS && pssHashAllowed(algorithm)) return undefined
  return `is signed with ${algorithm.algorithmId === RSA_PSS ? 'RSASSA-PSS without a SHA-2 hash' : `algorithm ${algorithm.algorithmId}`} (MD5, SHA-1 and others below 112 bits are refused)`
}

/** Why the certificate's public key is too weak, or undefined. */
export function weakKey(cert: X509Certificate): string | undefined {
  const key = cert.publicKey
  const details = key.asymmetricKeyDetails ?? {}
  switch (key.asymmetricKeyType) {
    case 'rsa':
    case 'rsa-pss':
      return (details.modulusLength ?? 0) >= RSA_MIN_BITS
        ? undefined
        : `has an RSA key of ${details.modulusLength} bits (at least ${RSA_MIN_BITS} are required)`
    case 'ec':
      return EC_CURVES.has(details.namedCurve ?? '')
        ? undefined
        : `has a key on curve ${details.namedCurve}, which is refused`
    case 'ed25519':
    case 'ed448':
      return undefined
    default:
      return `has a ${key.asymmetricKeyType} key, which is refused`
  }
}
