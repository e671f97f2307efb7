import {Args, Flags} from '@oclif/core'

import {exitCodeFor, verifyModel, type VerifyResult} from '../src/artifacts/index.js'
import {renderVerify} from '../src/cli/render/signing.js'
import {LlmsecCommand} from '../src/cli/base-command.js'
import {identityFlags, modelPathFlags} from '../src/cli/flags/signing.js'
import {usageError} from '../src/core/errors.js'

export default class Verify extends LlmsecCommand<typeof Verify> {
  static override description =
    'Verify a model against its OpenSSF Model Signing signature: exit 0 verified, 1 not verified, 2 unusable input'
  static override examples = [
    '<%= config.bin %> verify ./llama-3-8b --key keys/public.pem',
    '<%= config.bin %> verify ./llama-3-8b --cert-chain pki/ca-cert.pem --json',
    '<%= config.bin %> verify ./model.gguf --signature release/model.gguf.sig --key keys/public.pem',
    '<%= config.bin %> verify ./llama-3-8b --key keys/public.pem --ignore-paths ignore-me --ignore-unsigned-files',
    '<%= config.bin %> verify ./llama-3-8b --trust-root trusted_root.json --identity release@example.com --issuer https://accounts.google.com',
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
    'allow-partial-chain': Flags.boolean({
      description:
        'Accept a chain that ends at a --cert-chain certificate that is not self-signed (openssl -partial_chain).',
    }),
    'trust-root': Flags.file({
      description: 'Sigstore trusted_root.json, for keyless bundles [default: signing.trustRoot from llmsec.yaml].',
    }),
    ...identityFlags,
    ...modelPathFlags,
    'ignore-unsigned-files': Flags.boolean({description: 'Do not fail on files that the signature does not list.'}),
  }

  async run(): Promise<VerifyResult> {
    const {args, flags} = this
    const {config} = await this.config_()
    if (flags.key && flags['cert-chain']) {
      throw usageError('Give either --key or --cert-chain, not both.')
    }
    const signing = config.signing ?? {}
    const certChain = flags['cert-chain'] ?? (flags.key ? undefined : signing.certChain)
    const key = flags.key ?? (certChain ? undefined : signing.publicKey)
    const trustRoot = flags['trust-root'] ?? signing.trustRoot
    if (!key && !certChain && !trustRoot) {
      throw usageError(
        'Give --key <public.pem>, --cert-chain <root.pem> or --trust-root <trusted_root.json> (or signing.* in llmsec.yaml).',
      )
    }
    const result = await verifyModel(args['model-path'], {
      key,
      certChain,
      trustRoot,
      allowPartialChain: flags['allow-partial-chain'],
      identity: flags.identity ?? (flags['identity-regexp'] || key ? undefined : signing.identity),
      identityRegexp: flags['identity-regexp'],
      issuer: flags.issuer ?? (flags['issuer-regexp'] || key ? undefined : signing.issuer),
      issuerRegexp: flags['issuer-regexp'],
      signature: flags.signature,
      ignorePaths: flags['ignore-paths'],
      ignoreGitPaths: flags['ignore-git-paths'],
      ignoreUnsignedFiles: flags['ignore-unsigned-files'],
      onProgress: this.progress(),
    })
    this.render(renderVerify(result, this.style))
    this.setExitCode(exitCodeFor(result))
    return result
  }
}
