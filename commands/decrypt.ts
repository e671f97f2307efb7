import {Args, Flags} from '@oclif/core'

import {LlmsecCommand} from '../src/cli/base-command.js'
import {cryptoFlags} from '../src/cli/flags/crypto.js'
import {renderBatch} from '../src/cli/render/crypto.js'
import {obtainPassphrase} from '../src/cli/passphrase.js'
import {usageError} from '../src/core/errors.js'
import {
  type BatchResult,
  type DecryptOptions,
  decryptPath,
  decryptToStream,
  exitCodeFor,
  loadIdentities,
  loadVerifyKeys,
  parseOutputMode,
} from '../src/crypto/index.js'

export default class Decrypt extends LlmsecCommand<typeof Decrypt> {
  static override description =
    'Decrypt (or --check) llmsec-encrypted files; plaintext appears only once every chunk authenticated'
  static override examples = [
    '<%= config.bin %> decrypt model.safetensors.llmsec --identity ops-key.pem',
    'LLMSEC_PASSPHRASE=… <%= config.bin %> decrypt ./llama-3-8b --passphrase --output /srv/models/llama-3-8b',
    '<%= config.bin %> decrypt --check model.gguf.llmsec --key-file vault.key',
    '<%= config.bin %> decrypt model.gguf.llmsec --key-file vault.key --output - | sha256sum',
    '<%= config.bin %> decrypt ./llama-3-8b --identity ops-key.pem --verify-key release-signer.pub',
  ]
  static override args = {
    path: Args.string({description: 'Encrypted file, or a directory of .llmsec files.', required: true}),
  }
  static override flags = {
    identity: Flags.string({
      char: 'i',
      description: 'PEM private key (RSA, EC or X25519) (repeatable).',
      multiple: true,
    }),
    passphrase: Flags.boolean({description: 'Use a passphrase (prompted, or LLMSEC_PASSPHRASE).'}),
    ...cryptoFlags('Output file or directory; - streams one file to stdout.'),
    'max-work-factor': Flags.integer({
      description:
        'Largest scrypt work factor (log2 N at r = 8) a passphrase file may ask for; higher ones are refused before any work [default: 18, at most 22].',
    }),
    'verify-key': Flags.string({
      description:
        'Public key (PEM) the sender must have signed with; unsigned or otherwise signed files are refused (repeatable).',
      multiple: true,
    }),
    'verify-cert': Flags.string({
      description: 'Certificate (PEM) whose key the sender must have signed with, while it is valid (repeatable).',
      multiple: true,
    }),
    'allow-renamed': Flags.boolean({
      description: 'Decrypt files whose name differs from the one they were made for (otherwise refused, exit 1).',
    }),
    check: Flags.boolean({
      description: 'Verify integrity and the key without writing plaintext.',
      exclusive: ['output'],
    }),
  }

  async run(): Promise<BatchResult> {
    const {args, flags} = this
    const passphrase = flags.passphrase ? await obtainPassphrase({purpose: 'decryption'}) : undefined
    const identities = await loadIdentities({
      pemFiles: flags.identity,
      keyFiles: flags['key-file'],
      passphrase,
      maxWorkFactor: flags['max-work-factor'],
    })
    const verifyKeys = await loadVerifyKeys({keys: flags['verify-key'], certs: flags['verify-cert']})
    const common = {identities, verifyKeys, allowRenamed: flags['allow-renamed']}
    if (flags.output === '-') return this.streamToStdout(args.path, common)
    const result = await decryptPath(args.path, {
      ...common,
      output: flags.output,
      check: flags.check,
      force: flags.force,
      mode: flags.mode === undefined ? undefined : parseOutputMode(flags.mode),
      workers: flags.workers,
      onProgress: this.progress(),
    })
    this.render(renderBatch(result, flags.check ? 'verified' : 'decrypted'))
    this.setExitCode(exitCodeFor(result))
    return result
  }

  private async streamToStdout(path: string, options: DecryptOptions) {
    if (this.jsonEnabled()) throw usageError('--output - cannot be combined with --json.')
    const started = performance.now()
    const file = await decryptToStream(path, process.stdout, {...options, onProgress: this.progress()})
    const durationMs = Math.round(performance.now() - started)
    return {ok: true, files: [file], bytes: file.bytes, durationMs}
  }
}
