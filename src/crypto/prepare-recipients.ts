import type {Recipient} from './crypto.types.js'
import {cryptoError} from './errors.js'
import type {Stanza} from './format.js'
import {type PublicKeyRecipient, createPublicKeyStanza, parsePublicKeyPem} from './recipients.js'
import {
  type DerivedPassphrase,
  createKeyFileStanza,
  createSharedPassphraseStanza,
  derivePassphrase,
} from './secret-stanzas.js'

/**
 * Recipients made ready once per run and reused for every file of a directory: PEMs parsed, and
 * the passphrase's scrypt run done once (each file still wraps its key under its own salt).
 */
export type PreparedRecipient =
  | Extract<Recipient, {kind: 'key-file'}>
  | {kind: 'parsed'; key: PublicKeyRecipient}
  | {kind: 'derived-passphrase'; derived: DerivedPassphrase}

export async function prepareRecipients(recipients: Recipient[]): Promise<PreparedRecipient[]> {
  if (recipients.length === 0) {
    throw cryptoError('KEY_MISSING', 'no recipient given.', [
      'Pass --recipient <cert-or-public.pem>, --passphrase (or LLMSEC_PASSPHRASE) or --key-file <file>.',
    ])
  }
  if (recipients.filter((r) => r.kind === 'passphrase').length > 1) {
    throw cryptoError('LIMIT_EXCEEDED', 'a file may have at most one passphrase recipient.')
  }
  const prepared: PreparedRecipient[] = []
  for (const r of recipients) {
    if (r.kind === 'public-key') prepared.push({kind: 'parsed', key: await parsePublicKeyPem(r.pem, r.source)})
    else if (r.kind === 'passphrase')
      prepared.push({kind: 'derived-passphrase', derived: await derivePassphrase(r.passphrase, r.scrypt)})
    else prepared.push(r)
  }
  return prepared
}

/** One stanza per recipient, each wrapping `fileKey`. */
export async function createStanzas(recipients: PreparedRecipient[], fileKey: Buffer): Promise<Stanza[]> {
  const stanzas: Stanza[] = []
  for (const r of recipients) {
    if (r.kind === 'parsed') stanzas.push(await createPublicKeyStanza(r.key, fileKey))
    else if (r.kind === 'derived-passphrase') stanzas.push(createSharedPassphraseStanza(r.derived, fileKey))
    else stanzas.push(createKeyFileStanza(r.key, fileKey))
  }
  return stanzas
}
