import {posix} from 'node:path'

import type {Mismatch} from '../../artifacts/index.js'
import {append} from '../../core/arrays.js'
import {describeError} from '../../core/errors.js'
import {unreadable as unreadableAt} from '../../core/root-path.js'
import {existingModelDirs} from '../check-helpers.js'
import {defineCheck, guardUnreadable, NO_PARAMS, outcome, type NoParams} from '../check.js'
import {resolveInRoot, RootReader, type ModelTrust} from '../facts/index.js'

/** Largest number of mismatches named per signature (the rest are counted). */
const MAX_MISMATCH_LINES = 10

/**
 * The signature covering a model file: `<file>.sig`, or `model.sig` in its directory or an
 * ancestor up to the model root (the layout `llmsec sign` writes); null when there is none, and
 * 'unknown' when a place it could be could not be read.
 */
async function signatureFor(reader: RootReader, file: string, modelRoot: string): Promise<string | null | 'unknown'> {
  const unreadableBefore = reader.unreadable.length
  if (await reader.stat(`${file}.sig`)) return `${file}.sig`
  for (let dir = posix.dirname(file); dir.startsWith(modelRoot); dir = posix.dirname(dir)) {
    const sig = posix.join(dir, 'model.sig')
    if (await reader.stat(sig)) return sig
    if (dir === modelRoot || dir === '/') break
  }
  return reader.unreadable.length > unreadableBefore ? 'unknown' : null
}

/** What a signature covers: the directory of a model.sig, or the file of a `<file>.sig`. */
const coveredBy = (sig: string) => (posix.basename(sig) === 'model.sig' ? posix.dirname(sig) : sig.slice(0, -4))

function mismatchLine(signature: string, m: Mismatch): string {
  return `${signature}: ${m.path} ${m.reason}${m.detail ? ` (${m.detail})` : ''}`
}

/**
 * Verifies one signature with the verify engine; the lines that explain a failure, or null when it
 * verifies. A model with no path on this machine (a loop, a model inside an --image) is recorded as
 * unreadable on the reader and verifies nothing ([]).
 */
async function verifySignature(reader: RootReader, sig: string, trust: ModelTrust): Promise<string[] | null> {
  let model: string
  let signature: string
  try {
    model = await resolveInRoot(reader.root, coveredBy(sig))
    signature = await resolveInRoot(reader.root, sig)
  } catch (error) {
    reader.note(unreadableAt(sig, (error as NodeJS.ErrnoException).code ?? 'EIO'))
    return []
  }
  try {
    // The verify engine (sigstore, X.509) is loaded when there is a signature to verify.
    const {verifyModel} = await import('../../artifacts/index.js')
    const result = await verifyModel(model, {...trust, signature})
    if (result.verified) return null
    const lines = result.mismatches.slice(0, MAX_MISMATCH_LINES).map((m) => mismatchLine(sig, m))
    const more = result.mismatches.length - lines.length
    return more > 0 ? [...lines, `${sig}: … and ${more} more differences`] : lines
  } catch (error) {
    return [`${sig}: does not verify: ${describeError(error)}`]
  }
}

const NO_TRUST =
  'no signing trust is configured: set signing.publicKey, signing.certChain or signing.trustRoot (with signing.identity) in llmsec.yaml; a signature file proves nothing until it is verified'

export const check = defineCheck<NoParams>()({
  id: 'model-signature',
  title: 'Model files carry signatures that verify',
  /**
   * OpenSSF Model Signing: each model file must be covered by `<file>.sig` or a `model.sig` in its
   * directory or an ancestor up to its model directory, and that signature must verify with the
   * verify engine (`llmsec verify`) against the configured trust: the signer, then every file's
   * digest. A changed, added or removed file fails with the file named; no trust is an error.
   */
  description:
    'Each model file is covered by a signature (model.sig or <file>.sig) that verifies against the configured trust (signing.publicKey, certChain or trustRoot), every file digest included.',
  appliesWhen: ['model-files'],
  params: NO_PARAMS,
  async run({root, facts}) {
    const reader = new RootReader(root)
    const models = await facts.get('models')
    const {files, unreadable} = models
    const dirs = existingModelDirs(models)
    reader.note(...unreadable)
    const unsigned: string[] = []
    const signatures = new Set<string>()
    for (const file of files) {
      const modelRoot = dirs.find((d) => file.path.startsWith(`${d.path}/`))?.path ?? '/'
      const sig = await signatureFor(reader, file.path, modelRoot)
      if (sig === null) unsigned.push(file.path)
      else if (sig !== 'unknown') signatures.add(sig)
    }
    const problems = unsigned.length
      ? [`${unsigned.length} of ${files.length} model files have no signature`, ...unsigned.slice(0, 10)]
      : []
    const trust = facts.env.trust
    if (!trust && signatures.size) {
      const verdict = problems.length ? outcome.fail([...problems, NO_TRUST], unsigned[0]) : outcome.error(NO_TRUST)
      return guardUnreadable(verdict, reader.unreadable, true)
    }
    const verified: string[] = []
    for (const sig of [...signatures].sort()) {
      const failed = await verifySignature(reader, sig, trust!)
      if (failed) append(problems, failed)
      else verified.push(`${sig} verifies`)
    }
    const location = unsigned[0] ?? [...signatures][0]
    const verdict = problems.length ? outcome.fail([...problems, ...verified], location) : outcome.pass(verified)
    return guardUnreadable(verdict, reader.unreadable, true)
  },
})
