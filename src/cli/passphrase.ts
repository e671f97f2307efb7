import {LlmsecError} from '../core/errors.js'

/** The environment variable that supplies the passphrase without a prompt (CI, scripts). */
export const PASSPHRASE_ENV = 'LLMSEC_PASSPHRASE'

/**
 * The passphrase: LLMSEC_PASSPHRASE when set, else a hidden prompt when stdin is a terminal
 * (asked twice when `confirm`), else an error — so CI never blocks on a prompt.
 */
export async function askPassphrase(confirm: boolean): Promise<string> {
  const fromEnv = process.env[PASSPHRASE_ENV]
  if (fromEnv) return fromEnv
  if (!process.stdin.isTTY || !process.stderr.isTTY) {
    throw new LlmsecError(
      `--passphrase needs ${PASSPHRASE_ENV} set when there is no terminal to prompt on.`,
      'KEY_MISSING',
      2,
    )
  }
  // Loaded only when prompting: it is the slowest import of the command and CI never needs it.
  const {password} = await import('@inquirer/prompts')
  const output = process.stderr
  const first = await password({message: 'Passphrase', mask: '*'}, {output})
  if (first === '') throw new LlmsecError('The passphrase is empty.', 'KEY_INVALID', 2)
  if (confirm) {
    const again = await password({message: 'Repeat the passphrase', mask: '*'}, {output})
    if (again !== first) throw new LlmsecError('The passphrases do not match.', 'KEY_INVALID', 2)
  }
  return first
}
