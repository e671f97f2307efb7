import {readFile, stat} from 'node:fs/promises'
import {basename} from 'node:path'

import {fsError} from '../core/errors.js'
import type {OnProgress} from '../core/progress.js'
import type {Mismatch, ModelFile, OmsStatement, TrustOptions, VerifyResult} from './artifacts.types.js'
import {parseBundle, parseStatement, type ParsedBundle} from './bundle-parse.js'
import {compareManifest, fileOfResource} from './compare.js'
import {enumerateModel, SINGLE_FILE_NAME, type EnumeratedModel} from './enumerate.js'
import {artifactsError} from './errors.js'
import {computeRootDigest, hashModel} from './manifest.js'
import {compareNames, gitIgnorePaths, mergeIgnorePaths} from './paths.js'
import {checkSignature} from './signature-check.js'
import {ignoreMatcherFor, resolveTarget, userIgnorePaths, type ModelTarget} from './target.js'

/** How to verify: the trust options (key, chain or trusted root, identity policy) and which files. */
export interface VerifyOptions extends TrustOptions {
  signature?: string
  ignorePaths?: string[]
  /** Leave out git paths (default true, as the reference); false hashes them too. */
  ignoreGitPaths?: boolean
  ignoreUnsignedFiles?: boolean
  concurrency?: number
  onProgress?: OnProgress
}

/** Signature bundles list every file; this bound still covers millions of files. */
const MAX_SIGNATURE_BYTES = 256 * 1024 * 1024

/** Reads and parses a signature bundle; unreadable or malformed files are exit-2 errors. */
export async function readBundle(path: string): Promise<ParsedBundle> {
  let text: string
  try {
    if ((await stat(path)).size > MAX_SIGNATURE_BYTES) {
      throw artifactsError(
        'SIGNATURE_MALFORMED',
        `${path} is larger than ${MAX_SIGNATURE_BYTES} bytes; not a signature.`,
      )
    }
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw fsError(error, path)
  }
  return parseBundle(text, path)
}

type ResultPart = Pick<VerifyResult, 'signer' | 'mismatches' | 'signatureVerified'> & Partial<VerifyResult>
type ManifestPart = Pick<
  VerifyResult,
  'files' | 'bytes' | 'hashType' | 'ignorePaths' | 'ignoredFiles' | 'unsignedFiles' | 'mismatches'
>

/** A result document; the parts not given are those of a manifest that was never read. */
function resultOf(target: ModelTarget, parsed: ParsedBundle, started: number, part: ResultPart): VerifyResult {
  return {
    verified: part.mismatches.length === 0,
    method: parsed.method,
    model: target.root,
    signatureFile: target.signaturePath,
    files: 0,
    bytes: 0,
    hashType: null,
    ignorePaths: [],
    ignoredFiles: [],
    unsignedFiles: [],
    ...part,
    durationMs: Math.round(performance.now() - started),
  }
}

/** OMS: the subject's digest is SHA-256 over the resource digests in order; the reference rejects any other. */
function checkRootDigest(statement: OmsStatement, sigFile: string): Mismatch | undefined {
  const claimed = statement.subject[0].digest.sha256
  const actual = computeRootDigest(statement.predicate.resources)
  if (claimed === actual) return undefined
  return {
    path: sigFile,
    reason: 'manifest-inconsistent',
    detail: `the subject's root digest ${claimed.slice(0, 16)}… is not the digest of the listed resources (${actual.slice(0, 16)}…)`,
  }
}

/**
 * A single file is the resource "." (as the reference names it); bundles llmsec wrote
 * before named it by its file name, which is accepted when it is the only name signed.
 */
function localNames(model: EnumeratedModel, signedFiles: Set<string>): ModelFile[] {
  if (!model.singleFile || signedFiles.has(SINGLE_FILE_NAME)) return model.files
  const legacy = basename(model.root)
  return signedFiles.size === 1 && signedFiles.has(legacy) ? [{...model.files[0], name: legacy}] : model.files
}

/**
 * For shards, a file whose size gives another number of shards than were signed has
 * changed size: report it without hashing, so that the work stays bounded by what was signed.
 */
function splitBySize(files: ModelFile[], statement: OmsStatement): {toHash: ModelFile[]; resized: Mismatch[]} {
  const {serialization, resources} = statement.predicate
  if (serialization.method !== 'shards') return {toHash: files, resized: []}
  const shard = serialization.shard_size as number
  const signedShards = new Map<string, number>()
  for (const resource of resources) {
    const file = fileOfResource(resource.name, true)
    signedShards.set(file, (signedShards.get(file) ?? 0) + 1)
  }
  const toHash: ModelFile[] = []
  const resized: Mismatch[] = []
  for (const file of files) {
    const expected = signedShards.get(file.name) ?? 0
    if (Math.ceil(file.size / shard) === expected) toHash.push(file)
    else
      resized.push({
        path: file.name,
        reason: 'modified',
        detail: `size ${file.size} does not fit the ${expected} signed shards`,
      })
  }
  return {toHash, resized}
}

/** A signed .git* file that the default ignore rules left out is reported with the flag that includes it. */
function explainGitPaths(mismatches: Mismatch[], ignoreGitPaths: boolean): void {
  if (!ignoreGitPaths) return
  for (const mismatch of mismatches) {
    if (mismatch.reason === 'missing' && gitIgnorePaths(true).includes(mismatch.path.split('/')[0])) {
      mismatch.detail = `${mismatch.detail}; it was signed with git paths included: verify with --no-ignore-git-paths`
    }
  }
}

async function verifyManifest(
  statement: OmsStatement,
  target: ModelTarget,
  options: VerifyOptions,
): Promise<ManifestPart> {
  const {serialization, resources} = statement.predicate
  const ignoreGitPaths = options.ignoreGitPaths ?? true
  const ignorePaths = target.isDirectory
    ? mergeIgnorePaths(
        gitIgnorePaths(ignoreGitPaths),
        serialization.ignore_paths ?? [],
        userIgnorePaths(target, options.ignorePaths),
      )
    : []
  const model = await enumerateModel(target.root, {
    allowSymlinks: serialization.allow_symlinks,
    isIgnored: ignoreMatcherFor(target, ignorePaths),
    specialFiles: options.ignoreUnsignedFiles ? 'collect' : 'error',
  })
  const shards = serialization.method === 'shards'
  const signedFiles = new Set(resources.map((resource) => fileOfResource(resource.name, shards)))
  const files = localNames(model, signedFiles)
  const {toHash, resized} = splitBySize(
    files.filter((file) => signedFiles.has(file.name)),
    statement,
  )
  const local = await hashModel(toHash, serialization, options)
  const resizedNames = new Set(resized.map((mismatch) => mismatch.path))
  const compared = compareManifest({
    signed: resources.filter((resource) => !resizedNames.has(fileOfResource(resource.name, shards))),
    local: local.resources,
    files: files.filter((file) => !resizedNames.has(file.name)),
    shards,
    ignoreUnsignedFiles: Boolean(options.ignoreUnsignedFiles),
  })
  explainGitPaths(compared, ignoreGitPaths)
  const unsignedFiles = options.ignoreUnsignedFiles
    ? [...files.filter((file) => !signedFiles.has(file.name)).map((file) => file.name), ...model.special]
    : []
  return {
    files: signedFiles.size,
    bytes: local.bytes,
    hashType: serialization.hash_type,
    ignorePaths,
    ignoredFiles: model.ignored,
    unsignedFiles: unsignedFiles.sort(compareNames),
    mismatches: [...resized, ...compared].sort((a, b) => compareNames(a.path, b.path)),
  }
}

/**
 * Verifies a model against an OMS signature bundle. The order is fixed: parse the bundle,
 * verify the signature over the DSSE payload and judge the signer (key, certificate chain
 * or Sigstore keyless, and the identity policy), and only when all of that holds read the
 * manifest, bound it, and hash the files it names. Returns every difference; throws only
 * for unusable input (exit 2).
 */
export async function verifyModel(modelPath: string, options: VerifyOptions): Promise<VerifyResult> {
  const started = performance.now()
  const target = await resolveTarget(modelPath, options.signature)
  const parsed = await readBundle(target.signaturePath)
  const {problems, signer} = await checkSignature(parsed, options, target.signaturePath)
  if (problems.length > 0)
    return resultOf(target, parsed, started, {signer, mismatches: problems, signatureVerified: false})
  const statement = parseStatement(parsed.payload, target.signaturePath)
  const inconsistent = checkRootDigest(statement, target.signaturePath)
  if (inconsistent)
    return resultOf(target, parsed, started, {signer, mismatches: [inconsistent], signatureVerified: true})
  const manifest = await verifyManifest(statement, target, options)
  return resultOf(target, parsed, started, {signer, signatureVerified: true, ...manifest})
}
