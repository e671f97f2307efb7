import {coreError} from '../core/errors.js'

/** The environment variable that supplies the passphrase without a prompt (CI, scripts). */
const PASSPHRASE_ENV = 'LLMSEC_PASSPHRASE'

export interface PassphraseRequest {
  /** What the passphrase is for, e.g. "the private key keys/private.pem". */
  purpose: string
  /** Ask twice (for a new key or a new encrypted file). */
  confirm?: boolean
}

/**
 * A passphrase from LLMSEC_PASSPHRASE, else from a hidden prompt when stdin and stderr are
 * terminals. Without either it is a usage error (exit 2), so CI never blocks on a prompt.
 */
export async function obtainPassphrase(request: PassphraseRequest): Promise<string> {
  const fromEnv = process.env[PASSPHRASE_ENV]
  if (fromEnv) return fromEnv
  if (!process.stdin.isTTY || !process.stderr.isTTY) {
    throw coreError(
      'PASSPHRASE_REQUIRED',
      `A passphrase is needed for ${request.purpose}: set ${PASSPHRASE_ENV} (no terminal to ask on).`,
    )
  }
  // Loaded only when prompting: it is a slow import and CI never needs it.
  const {password} = await import('@inquirer/prompts')
  const output = process.stderr
  const first = await password({message: `Passphrase for ${request.purpose}:`, mask: '*'}, {output})
  if (first.length === 0) throw coreError('PASSPHRASE_REQUIRED', 'The passphrase is empty.')
  if (request.confirm) {
    const again = await password({message: 'Repeat the passphrase:', mask: '*'}, {output})
    if (again !== first) throw coreError('PASSPHRASE_REQUIRED', 'The passphrases differ.')
  }
  return first
}
