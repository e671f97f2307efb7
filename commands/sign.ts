import {Args, Flags} from '@oclif/core'

import {keyNeedsPassphrase, signModel, type SignResult} from '../src/artifacts/index.js'
import {renderSign} from '../src/cli/render/signing.js'
import {LlmsecCommand} from '../src/cli/base-command.js'
import {outputFlag} from '../src/cli/flags/output.js'
import {modelPathFlags} from '../src/cli/flags/signing.js'
import {obtainPassphrase} from '../src/cli/passphrase.js'
import {usageError} from '../src/core/errors.js'

export default class Sign extends LlmsecCommand<typeof Sign> {
  static override description =
    'Sign a model directory or file in the OpenSSF Model Signing format (sigstore bundle, DSSE, in-toto)'
  static override examples = [
    '<%= config.bin %> sign ./llama-3-8b --key keys/private.pem',
    '<%= config.bin %> sign ./llama-3-8b --key signer/private.pem --cert signer/cert.pem --chain pki/ca-cert.pem',
    '<%= config.bin %> sign ./model.gguf --key keys/private.pem --output release/model.gguf.sig',
    '<%= config.bin %> sign ./llama-3-8b --key keys/private.pem --ignore-paths cache logs',
  ]
  static override args = {
    'model-path': Args.string({description: 'Model directory or single file.', required: true}),
  }
  static override flags = {
    key: Flags.file({description: 'Private key (PEM) [default: signing.privateKey from llmsec.yaml].'}),
    cert: Flags.file({description: 'Signing certificate (PEM): use the certificate method.'}),
    chain: Flags.file({description: 'CA certificates (PEM) to embed after the leaf.', multiple: true}),
    output: outputFlag('Where to write the signature [default: <dir>/model.sig or <file>.sig].', 'signature'),
    ...modelPathFlags,
    'allow-symlinks': Flags.boolean({description: 'Hash symlink targets inside the model under the link name.'}),
  }

  async run(): Promise<SignResult> {
    const {args, flags} = this
    const {config} = await this.config_()
    const key = flags.key ?? config.signing?.privateKey
    if (!key) throw usageError('Give the private key with --key (or signing.privateKey in llmsec.yaml).')
    const passphrase = (await keyNeedsPassphrase(key))
      ? await obtainPassphrase({purpose: `the private key ${key}`})
      : undefined
    const result = await signModel(args['model-path'], {
      key,
      passphrase,
      cert: flags.cert ?? (flags.key ? undefined : config.signing?.certificate),
      chain: flags.chain,
      signature: flags.output,
      ignorePaths: flags['ignore-paths'],
      ignoreGitPaths: flags['ignore-git-paths'],
      allowSymlinks: flags['allow-symlinks'],
      onProgress: this.progress(),
    })
    this.render(renderSign(result))
    return result
  }
}
