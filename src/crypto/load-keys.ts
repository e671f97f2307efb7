import {readFile} from 'node:fs/promises'

import {coreError, fsError} from '../core/errors.js'
import type {Identity, Recipient} from './crypto.types.js'
import {checkMaxWorkFactor, readKeyFile} from './secret-stanzas.js'

/** Bounded read of a PEM file: certificates and keys are a few KiB. */
async function readPem(path: string): Promise<string> {
  let text: Buffer
  try {
    text = await readFile(path)
  } catch (error) {
    throw fsError(error, path)
  }
  if (text.length > 1024 * 1024) throw coreError('KEY_MALFORMED', `${path} is larger than 1 MiB, not a PEM key.`)
  return text.toString('utf8')
}

export interface KeySources {
  /** PEM files: certificates or public keys (encrypt), private keys (decrypt). */
  pemFiles?: string[]
  keyFiles?: string[]
  passphrase?: string
  /** Largest scrypt work factor a file may ask of the passphrase (decrypt --max-work-factor). */
  maxWorkFactor?: number
}

/** Reads recipient files into recipients (PEMs are parsed later, once per run). */
export async function loadRecipients(sources: KeySources): Promise<Recipient[]> {
  const recipients: Recipient[] = []
  for (const source of sources.pemFiles ?? []) recipients.push({kind: 'public-key', pem: await readPem(source), source})
  for (const source of sources.keyFiles ?? [])
    recipients.push({kind: 'key-file', key: await readKeyFile(source), source})
  if (sources.passphrase !== undefined) recipients.push({kind: 'passphrase', passphrase: sources.passphrase})
  return recipients
}

/** Reads identity files (private keys, key files) and the passphrase into identities. */
export async function loadIdentities(sources: KeySources): Promise<Identity[]> {
  const identities: Identity[] = []
  for (const source of sources.pemFiles ?? [])
    identities.push({kind: 'private-key', pem: await readPem(source), source})
  for (const source of sources.keyFiles ?? [])
    identities.push({kind: 'key-file', key: await readKeyFile(source), source})
  const maxWorkFactor = sources.maxWorkFactor === undefined ? undefined : checkMaxWorkFactor(sources.maxWorkFactor)
  if (sources.passphrase !== undefined)
    identities.push({kind: 'passphrase', passphrase: sources.passphrase, maxWorkFactor})
  return identities
}
