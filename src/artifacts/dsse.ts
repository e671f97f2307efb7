import {sign, verify, type KeyObject} from 'node:crypto'

import {signatureHashFor} from './keys.js'

export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json'

/** DSSE pre-authentication encoding: "DSSEv1 <len> <type> <len> <payload>". */
function preAuthEncoding(payloadType: string, payload: Buffer): Buffer {
  const header = `DSSEv1 ${Buffer.byteLength(payloadType)} ${payloadType} ${payload.length} `
  return Buffer.concat([Buffer.from(header, 'utf8'), payload])
}

/** Signs the PAE of a payload; ECDSA signatures are DER, as sigstore and the reference tool use. */
export function signPayload(payloadType: string, payload: Buffer, key: KeyObject): Buffer {
  return sign(signatureHashFor(key), preAuthEncoding(payloadType, payload), key)
}

/** Verifies a DSSE signature over a payload; false on any mismatch or malformed signature. */
export function verifyPayload(payloadType: string, payload: Buffer, signature: Buffer, key: KeyObject): boolean {
  try {
    return verify(signatureHashFor(key), preAuthEncoding(payloadType, payload), key, signature)
  } catch {
    return false
  }
}
