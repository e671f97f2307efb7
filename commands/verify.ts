import {Args, Flags} from '@oclif/core'

import {exitCodeFor, verifyModel, type VerifyResult} from '../src/artifacts/index.js'
import {renderVerify} from '../src/cli/render/signing.js'
import {LlmsecCommand} from '../src/cli/base-command.js'
import {modelPathFlags} from '../src/cli/flags/signing.js'
import {usageError} from '../src/core/errors.js'

export default class Verify extends LlmsecCommand<typeof Verify> {
  static override description =
    'Verify a model against its OpenSSF Model Signing signature: exit 0 verified, 1 not verified, 2 unusable input'
  static override examples = [
    '<%= config.bin %> verify ./llama-3-8b --key keys/public.pem',
    '<%= config.bin %> verify ./llama-3-8b --cert-chain pki/ca-cert.pem --json',
    '<%= config.bin %> verify ./model.gguf --signature release/model.gguf.sig --key keys/public.pem',
    '<%= config.bin %> verify ./llama-3-8b --key keys/public.pem --ignore-paths ignore-me --ignore-unsigned-files',
  ]
  static override args = {
    'model-path': Args.string({description: 'Model directory or single file.', required: true}),
  }
  static override flags = {
    signature: Flags.file({description: 'Signature file [default: <dir>/model.sig or <file>.sig].'}),
    key: Flags.file({description: 'Public key (PEM) for the key method.'}),
    'cert-chain': Flags.file({
      description: 'Trusted root CA (and intermediates as needed), PEM, for the certificate method.',
      multiple: true,
    }),
    ...modelPathFlags,
    'ignore-unsigned-files': Flags.boolean({description: 'Do not fail on files that the signature does not list.'}),
  }

  async run(): Promise<VerifyResult> {
    const {args, flags} = this
    const {config} = await this.config_()
    if (flags.key && flags['cert-chain']) {
      throw usageError('Give either --key or --cert-chain, not both.')
    }
    const certChain = flags['cert-chain'] ?? (flags.key ? undefined : config.signing?.certChain)
    const key = flags.key ?? (certChain ? undefined : config.signing?.publicKey)
    if (!key && !certChain) {
      throw usageError('Give --key <public.pem> or --cert-chain <root.pem> (or signing.* in llmsec.yaml).')
    }
    const result = await verifyModel(args['model-path'], {
      key,
      certChain,
      signature: flags.signature,
      ignorePaths: flags['ignore-paths'],
      ignoreUnsignedFiles: flags['ignore-unsigned-files'],
      onProgress: this.progress(),
    })
    this.render(renderVerify(result, this.style))
    this.setExitCode(exitCodeFor(result))
    return result
  }
}
