import {randomBytes} from 'node:crypto'
import {writeFile} from 'node:fs/promises'

import {type Stanza, StanzaType, deriveFileKeys, encodeHeader, sealChunk} from '../../src/crypto/index.js'

/** A scrypt stanza body: salt, logN, r, p, then 48 bytes where the wrapped key would be. */
export function scryptStanza(logN: number, r: number, p: number): Stanza {
  return {type: StanzaType.Scrypt, body: Buffer.concat([randomBytes(16), Buffer.from([logN, r, p]), randomBytes(48)])}
}

/**
 * Writes a well-formed encrypted file (valid header MAC, one sealed chunk of "hello") with the
 * given stanzas, as anyone can: the file key is random and thrown away.
 */
export async function craftEncryptedFile(path: string, stanzas: Stanza[]): Promise<void> {
  const fileKey = randomBytes(32)
  const salt = randomBytes(32)
  const {payloadKey, macKey} = deriveFileKeys(fileKey, salt)
  const header = encodeHeader({chunkLog2: 6, plaintextLength: 5, salt, stanzas}, macKey)
  await writeFile(path, Buffer.concat([header, sealChunk(payloadKey, 0, true, Buffer.from('hello'))]))
}
