import {Flags} from '@oclif/core'

import {KEY_ALGORITHMS} from '../../artifacts/index.js'
import {usageError} from '../../core/errors.js'
import {renamedFrom} from './output.js'

/** Flags shared by `llmsec keys generate|ca|cert`. */
export const keyFlags = {
  output: Flags.directory({
    char: 'o',
    description: 'Directory to write the files to (created if missing).',
    required: true,
    ...renamedFrom('out'),
  }),
  algorithm: Flags.option({description: 'Key algorithm.', options: KEY_ALGORITHMS, default: 'ecdsa-p256'})(),
  passphrase: Flags.boolean({
    description: 'Encrypt the new private key (prompted, or LLMSEC_PASSPHRASE when not interactive).',
  }),
  force: Flags.boolean({description: 'Overwrite existing files.'}),
}

/** Flags for certificate validity. */
export function validityFlags(defaultDays: number) {
  return {
    'valid-days': Flags.integer({description: 'Validity in days.', default: defaultDays, min: 1, max: 36_500}),
    'not-before': Flags.string({description: 'Start of validity, ISO 8601 (default: now).'}),
  }
}

/** Parses --not-before. */
export function parseNotBefore(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined
  const date = new Date(value)
  if (Number.isNaN(date.getTime())) throw usageError(`--not-before ${value} is not an ISO 8601 date.`)
  return date
}

/** Flags `sign` and `verify` share: which files of the model the signature covers. */
export const modelPathFlags = {
  'ignore-paths': Flags.string({description: 'Paths (relative to the model) to leave out.', multiple: true}),
  'ignore-git-paths': Flags.boolean({
    description:
      'Leave out .git, .gitattributes, .github and .gitignore, as model_signing does (--no-ignore-git-paths includes them).',
    default: true,
    allowNo: true,
  }),
}

/** Flags of `verify` that say who must have signed (cosign's --certificate-identity and -oidc-issuer). */
export const identityFlags = {
  identity: Flags.string({
    description: 'The signer identity (certificate subject alternative name, e.g. an e-mail), exactly.',
    exclusive: ['identity-regexp'],
  }),
  'identity-regexp': Flags.string({description: 'An RE2 expression the whole signer identity must match.'}),
  issuer: Flags.string({
    description: 'The OIDC issuer of the signer identity (Fulcio certificate extension), exactly.',
    exclusive: ['issuer-regexp'],
  }),
  'issuer-regexp': Flags.string({description: 'An RE2 expression the whole OIDC issuer must match.'}),
}
