import {generateKeyFiles, type KeyFilesResult} from '../../src/artifacts/index.js'
import {renderKeyFiles} from '../../src/cli/render/signing.js'
import {LlmsecCommand} from '../../src/cli/base-command.js'
import {keyFlags} from '../../src/cli/flags/signing.js'
import {obtainPassphrase} from '../../src/cli/passphrase.js'

export default class KeysGenerate extends LlmsecCommand<typeof KeysGenerate> {
  static override description =
    'Generate an EC signing key pair: private.pem (PKCS#8, mode 0600) and public.pem in --output'
  static override examples = [
    '<%= config.bin %> keys generate --output ./keys',
    'LLMSEC_PASSPHRASE=… <%= config.bin %> keys generate --output ./keys --algorithm ecdsa-p384 --passphrase',
  ]
  static override flags = {...keyFlags}

  async run(): Promise<KeyFilesResult> {
    const {flags} = this
    const passphrase = flags.passphrase
      ? await obtainPassphrase({purpose: 'the new private key', confirm: true})
      : undefined
    const result = await generateKeyFiles(flags.output, {algorithm: flags.algorithm, passphrase, force: flags.force})
    this.render(renderKeyFiles(result))
    return result
  }
}
