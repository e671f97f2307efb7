import {Flags} from '@oclif/core'

import {issueCertificateFiles, keyNeedsPassphrase, type KeyFilesResult} from '../../src/artifacts/index.js'
import {renderKeyFiles} from '../../src/cli/render/signing.js'
import {LlmsecCommand} from '../../src/cli/base-command.js'
import {keyFlags, parseNotBefore, validityFlags} from '../../src/cli/flags/signing.js'
import {obtainPassphrase} from '../../src/cli/passphrase.js'

export default class KeysCert extends LlmsecCommand<typeof KeysCert> {
  static override description =
    'Issue a signing certificate (KeyUsage digitalSignature, ExtendedKeyUsage codeSigning) from a CA made with "keys ca"'
  static override examples = [
    '<%= config.bin %> keys cert --ca-cert pki/ca-cert.pem --ca-key pki/ca-private.pem --subject "CN=release-bot" --output ./signer',
    '<%= config.bin %> keys cert --ca-cert pki/ca-cert.pem --ca-key pki/ca-private.pem --subject "CN=ci" --public-key ci/public.pem --output ./ci --valid-days 90',
  ]
  static override flags = {
    ...keyFlags,
    'ca-cert': Flags.file({description: 'CA certificate (PEM).', required: true, exists: true}),
    'ca-key': Flags.file({description: 'CA private key (PEM).', required: true, exists: true}),
    subject: Flags.string({
      description: 'Distinguished name of the signer, e.g. "CN=release-bot, O=Example".',
      required: true,
    }),
    'public-key': Flags.file({
      description: 'Certify this public key instead of generating a new key pair.',
      exists: true,
    }),
    ...validityFlags(365),
  }

  async run(): Promise<KeyFilesResult> {
    const {flags} = this
    const caPassphrase = (await keyNeedsPassphrase(flags['ca-key']))
      ? await obtainPassphrase({purpose: `the CA key ${flags['ca-key']}`})
      : undefined
    const passphrase =
      flags.passphrase && !flags['public-key']
        ? await obtainPassphrase({purpose: 'the new private key', confirm: true})
        : undefined
    const result = await issueCertificateFiles(flags.output, {
      algorithm: flags.algorithm,
      passphrase,
      force: flags.force,
      caCert: flags['ca-cert'],
      caKey: flags['ca-key'],
      caPassphrase,
      subject: flags.subject,
      publicKey: flags['public-key'],
      days: flags['valid-days'],
      notBefore: parseNotBefore(flags['not-before']),
    })
    this.render(renderKeyFiles(result))
    return result
  }
}
