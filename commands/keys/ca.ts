import {Flags} from '@oclif/core'

import {createCaFiles, type KeyFilesResult} from '../../src/artifacts/index.js'
import {renderKeyFiles} from '../../src/cli/render/signing.js'
import {LlmsecCommand} from '../../src/cli/base-command.js'
import {keyFlags, parseNotBefore, validityFlags} from '../../src/cli/flags/signing.js'
import {obtainPassphrase} from '../../src/cli/passphrase.js'

export default class KeysCa extends LlmsecCommand<typeof KeysCa> {
  static override description =
    'Create a certificate authority: a key pair and a self-signed CA certificate (ca-private.pem, ca-public.pem, ca-cert.pem)'
  static override examples = [
    '<%= config.bin %> keys ca --output ./pki --subject "CN=Example model signing CA, O=Example"',
    '<%= config.bin %> keys ca --output ./pki --algorithm ecdsa-p384 --valid-days 3650 --passphrase',
  ]
  static override flags = {
    ...keyFlags,
    subject: Flags.string({description: 'Distinguished name of the CA.', default: 'CN=llmsec model signing CA'}),
    ...validityFlags(3650),
  }

  async run(): Promise<KeyFilesResult> {
    const {flags} = this
    const passphrase = flags.passphrase ? await obtainPassphrase({purpose: 'the new CA key', confirm: true}) : undefined
    const result = await createCaFiles(flags.output, {
      algorithm: flags.algorithm,
      passphrase,
      force: flags.force,
      subject: flags.subject,
      days: flags['valid-days'],
      notBefore: parseNotBefore(flags['not-before']),
    })
    this.render(renderKeyFiles(result))
    return result
  }
}
