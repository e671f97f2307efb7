import {Args, Flags} from '@oclif/core'

import {LlmsecCommand} from '../src/cli/base-command.js'
import {cryptoFlags} from '../src/cli/flags/crypto.js'
import {renderBatch} from '../src/cli/render/crypto.js'
import {obtainPassphrase} from '../src/cli/passphrase.js'
import {usageError} from '../src/core/errors.js'
import {
  type BatchResult,
  encryptPath,
  exitCodeFor,
  isKeyFileEncrypted,
  loadRecipients,
  loadSigningKey,
  parseOutputMode,
} from '../src/crypto/index.js'

export default class Encrypt extends LlmsecCommand<typeof Encrypt> {
  static override description =
    'Encrypt a model file or directory at rest (authenticated, chunked, parallel; see docs/encrypted-format.md)'
  static override examples = [
    '<%= config.bin %> encrypt model.safetensors --recipient ops-cert.pem',
    'LLMSEC_PASSPHRASE=… <%= config.bin %> encrypt ./llama-3-8b --passphrase --key-file vault.key',
    '<%= config.bin %> encrypt model.gguf --recipient ec-pub.pem --output /srv/enc/model.gguf.llmsec --remove-plaintext',
    '<%= config.bin %> encrypt ./llama-3-8b --recipient ops-cert.pem --sign-key keys/private.pem',
  ]
  static override args = {
    path: Args.string({description: 'File or directory to encrypt.', required: true}),
  }
  static override flags = {
    recipient: Flags.string({
      char: 'r',
      description: 'PEM X.509 certificate, RSA public key, or EC/X25519 public key (repeatable).',
      multiple: true,
    }),
    passphrase: Flags.boolean({description: 'Add a passphrase recipient (prompted, or LLMSEC_PASSPHRASE).'}),
    'sign-key': Flags.string({
      description:
        'PEM private key (EC P-256/P-384, Ed25519 or RSA) to sign each file as its sender; decrypt --verify-key checks it.',
    }),
    ...cryptoFlags('Output file, or output directory for a directory.'),
    'remove-plaintext': Flags.boolean({
      description:
        'Unlink each original after its ciphertext was read back and verified, unless it changed meanwhile or has other hard links (kept, with a warning). Unlinking is not secure erasure: the data stays on the disk until overwritten.',
    }),
    'chunk-size': Flags.integer({
      description: 'Chunk size in bytes, a power of two from 64 to 16 MiB.',
      default: 1_048_576,
    }),
  }

  async run(): Promise<BatchResult> {
    const {args, flags} = this
    const chunkLog2 = Math.log2(flags['chunk-size'])
    if (!Number.isInteger(chunkLog2)) throw usageError('--chunk-size must be a power of two.')
    const passphrase = flags.passphrase ? await obtainPassphrase({purpose: 'encryption', confirm: true}) : undefined
    const recipients = await loadRecipients({pemFiles: flags.recipient, keyFiles: flags['key-file'], passphrase})
    const signKey = flags['sign-key'] ? await this.signingKey(flags['sign-key']) : undefined
    const result = await encryptPath(args.path, {
      recipients,
      output: flags.output,
      force: flags.force,
      mode: flags.mode === undefined ? undefined : parseOutputMode(flags.mode),
      removePlaintext: flags['remove-plaintext'],
      signKey,
      chunkLog2,
      workers: flags.workers,
      onProgress: this.progress(),
    })
    this.render(renderBatch(result, 'encrypted'))
    this.setExitCode(exitCodeFor(result))
    return result
  }

  private async signingKey(path: string) {
    const passphrase = (await isKeyFileEncrypted(path))
      ? await obtainPassphrase({purpose: `the signing key ${path}`})
      : undefined
    return loadSigningKey(path, passphrase)
  }
}
