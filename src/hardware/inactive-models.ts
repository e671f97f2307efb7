import type {ModelFile} from './models.js'

/** Days without a read (or a write) after which an unreferenced model file counts as inactive. */
export const DEFAULT_INACTIVE_DAYS = 90

const DAY_MS = 86_400_000

/** `org/name` as a model id (vLLM, TGI and transformers take them), not a path. */
const MODEL_ID = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/

/**
 * What a service's command line and environment can point a model file by: absolute paths (a
 * file, or a directory it lies under) of at least two components, since `/` or `/srv` would cover
 * every model and so hide the unused ones; and Hugging Face ids (`org/name`), which the hub cache
 * stores under `models--org--name`.
 */
export function modelReferences(texts: Iterable<string>): {paths: string[]; hubDirs: string[]} {
  const paths = new Set<string>()
  const hubDirs = new Set<string>()
  for (const text of texts) {
    for (const token of text.split(/[\s=:,;"']+/)) {
      const trimmed = token.replace(/\/+$/, '')
      if (trimmed.startsWith('/') && trimmed.split('/').filter(Boolean).length >= 2) paths.add(trimmed)
      else if (MODEL_ID.test(trimmed)) hubDirs.add(`/models--${trimmed.replace('/', '--')}/`)
    }
  }
  return {paths: [...paths], hubDirs: [...hubDirs]}
}

/** Whether any reference names the file or a directory it lies under. */
export function isReferenced(path: string, references: {paths: string[]; hubDirs: string[]}): boolean {
  return (
    references.paths.some((p) => path === p || path.startsWith(`${p}/`)) ||
    references.hubDirs.some((d) => path.includes(d))
  )
}

/**
 * Model files no service references that were neither read nor written for `days` days: the
 * ones to remove or archive (fewer models, smaller attack surface). Access times are what the
 * file system keeps: under `noatime` a model in use can look unread, which is why a reference
 * from a service always keeps a file active.
 */
export function inactiveModelFiles(
  files: ModelFile[],
  references: {paths: string[]; hubDirs: string[]},
  days: number,
  now = Date.now(),
): ModelFile[] {
  const cutoff = now - days * DAY_MS
  return files.filter((file) => {
    const last = Math.max(Date.parse(file.accessedAt), Date.parse(file.modifiedAt))
    return last < cutoff && !isReferenced(file.path, references)
  })
}
