import type {ExitCode} from '../core/errors.js'
import type {OnProgress} from '../core/progress.js'
import type {ScryptParams} from './secret-stanzas.js'
import type {SigningKey, VerifyKey} from './signature.js'

/** Who can open an encrypted file: any one of these recipients decrypts it. */
export type Recipient =
  /** A PEM X.509 certificate, RSA public key, or EC (P-256/P-384/P-521) or X25519 public key. */
  | {kind: 'public-key'; pem: string; source: string}
  | {kind: 'passphrase'; passphrase: string; scrypt?: ScryptParams}
  /** A raw 32-byte key (e.g. exported from a KMS or Vault). */
  | {kind: 'key-file'; key: Buffer; source: string}

/** What opens a file: a private key matching a public-key recipient, a passphrase or a key file. */
export type Identity =
  | {kind: 'private-key'; pem: string; source: string}
  /** maxWorkFactor bounds the scrypt cost a file may ask for (default DEFAULT_MAX_WORK_FACTOR). */
  | {kind: 'passphrase'; passphrase: string; maxWorkFactor?: number}
  | {kind: 'key-file'; key: Buffer; source: string}

export interface EncryptOptions {
  recipients: Recipient[]
  /** log2 of the chunk size (default 20, 1 MiB). */
  chunkLog2?: number
  /** Replace an existing output file. */
  force?: boolean
  /** Permission bits of the files written (default 0644 minus the umask); never from the input. */
  mode?: number
  /** Sign each file as its sender (format version 2 signature; loadSigningKey makes one). */
  signKey?: SigningKey
  /** Delete the plaintext once the ciphertext has been read back and verified. */
  removePlaintext?: boolean
  /** Worker threads (default: available cores; 0 = calling thread). */
  workers?: number
  onProgress?: OnProgress
}

export interface DecryptOptions {
  identities: Identity[]
  force?: boolean
  /** Permission bits of the files written (default 0644 minus the umask); never the ciphertext's. */
  mode?: number
  /** Refuse files not signed by one of these keys (loadVerifyKeys makes them). */
  verifyKeys?: VerifyKey[]
  /** Decrypt a file whose name differs from the name it was made for (reported as a warning). */
  allowRenamed?: boolean
  workers?: number
  onProgress?: OnProgress
}

/** The result for one file. */
export interface FileResult {
  input: string
  /** Destination path; absent for --check and stdout. */
  output?: string
  /** Plaintext bytes. */
  bytes: number
  status: 'ok' | 'failed'
  /** Error code and message when status is failed. */
  error?: {code: string; message: string; exit: ExitCode}
  /** Whether the plaintext was deleted (encrypt --remove-plaintext). */
  removedPlaintext?: boolean
  /** The name the file was made for (format version 2; the encrypt input's name). */
  name?: string
  /** Format version 2 sender signature: whose key signed it and whether it was verified. */
  signer?: {fingerprint: string; verified: boolean}
  /** Things the user should know that did not fail the file (e.g. an input kept because of hard links). */
  warnings?: string[]
}

export interface BatchResult {
  ok: boolean
  files: FileResult[]
  /** decrypt: whether every file's sender signature was verified (--verify-key/--verify-cert). */
  senderVerified?: boolean
  bytes: number
  durationMs: number
}
