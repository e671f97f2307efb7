import type {FileResult} from './crypto.types.js'
import {cryptoError} from './errors.js'
import {countChunks} from './format.js'
import type {OpenedFile} from './open-header.js'
import {type VerifyKey, signedMessage, verifyMessage} from './signature.js'

/** What the chunk pass must collect for the sender check: the key to verify with, if any. */
export interface SenderPlan {
  key?: VerifyKey
}

/**
 * Before any chunk is read: with verify keys, refuses an unsigned file (version 1, or version 2
 * without a signature) and one signed by a key that is not among them.
 */
export function planSenderCheck(opened: OpenedFile, keys: VerifyKey[] | undefined): SenderPlan {
  if (!keys || keys.length === 0) return {}
  const layout = opened.header.meta?.signature
  if (!layout || !opened.signature) {
    throw cryptoError(
      'SIGNATURE_MISSING',
      `${opened.path} is not signed by its sender${opened.header.version === 1 ? ' (format version 1)' : ''}; nothing was written.`,
      ['Encrypt it again with llmsec encrypt --sign-key.'],
    )
  }
  const key = keys.find((k) => k.fingerprint.equals(layout.signer))
  if (!key) {
    throw cryptoError(
      'UNTRUSTED_SIGNER',
      `${opened.path} was signed by key ${layout.signer.toString('hex').slice(0, 16)}…, not by ${keys.map((k) => k.source).join(' or ')}; nothing was written.`,
    )
  }
  return {key}
}

/** After every chunk authenticated: checks the signature over the header MAC, chunk count and chunk digests. */
export function checkSender(opened: OpenedFile, plan: SenderPlan, digests: Buffer | undefined): FileResult['signer'] {
  const layout = opened.header.meta?.signature
  if (!layout) return undefined
  const fingerprint = layout.signer.toString('hex')
  if (!plan.key) return {fingerprint, verified: false}
  const {header} = opened
  const message = signedMessage(
    header.mac,
    countChunks(header.plaintextLength, header.chunkSize),
    digests ?? Buffer.alloc(0),
  )
  if (!digests || !opened.signature || !verifyMessage(plan.key, layout.alg, message, opened.signature)) {
    throw cryptoError('SIGNATURE_INVALID', `${opened.path}: the sender signature does not verify; nothing was written.`)
  }
  return {fingerprint, verified: true}
}
