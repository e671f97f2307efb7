import {INFO, deriveFileKeys, encodeHeader, sealChunk} from '../../src/crypto/index.js'
import {hkdf32, wrapFileKey} from '../../src/crypto/keys.js'

/** The inputs of the test vector in docs/encrypted-format.md (all fixed, nothing random). */
export const VECTOR_INPUTS = {
  keyFileKey: Buffer.from(Array.from({length: 32}, (_, i) => i)),
  stanzaSalt: Buffer.alloc(16, 0xa5),
  fileKey: Buffer.from(Array.from({length: 32}, (_, i) => 0x20 + i)),
  headerSalt: Buffer.alloc(32, 0x42),
  chunkLog2: 6,
  plaintext: Buffer.from(Array.from({length: 100}, (_, i) => i)),
}

/** Builds the test vector file and its intermediate values from VECTOR_INPUTS. */
export function buildVector() {
  const v = VECTOR_INPUTS
  const kek = hkdf32(v.keyFileKey, v.stanzaSalt, INFO.keyFile)
  const wrapped = wrapFileKey(kek, v.fileKey)
  const {payloadKey, macKey} = deriveFileKeys(v.fileKey, v.headerSalt)
  const stanza = {type: 4 as const, body: Buffer.concat([v.stanzaSalt, wrapped])}
  const header = encodeHeader(
    {chunkLog2: v.chunkLog2, plaintextLength: v.plaintext.length, salt: v.headerSalt, stanzas: [stanza]},
    macKey,
  )
  const chunk0 = sealChunk(payloadKey, 0, false, v.plaintext.subarray(0, 64))
  const chunk1 = sealChunk(payloadKey, 1, true, v.plaintext.subarray(64))
  return {kek, wrapped, payloadKey, macKey, header, chunk0, chunk1, file: Buffer.concat([header, chunk0, chunk1])}
}
