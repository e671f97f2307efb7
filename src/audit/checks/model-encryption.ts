import {existingModelDirs} from '../check-helpers.js'
import {defineCheck, guardUnreadable, outcome} from '../check.js'
import {resolveLive, resolveOffline, RootReader} from '../facts/index.js'

interface Params {
  /** More directories that must be encrypted at rest (logs, vector stores), besides the model files. */
  paths?: string[]
}

export const check = defineCheck<Params>()({
  id: 'model-encryption',
  title: 'Model files are encrypted at rest',
  /**
   * fstab(5), crypttab(5), lvm(8): a directory is encrypted at rest only when the filesystem holding
   * it resolves to a dm-crypt device (running host: /proc/mounts and lsblk; offline: fstab, bind
   * mounts, crypttab and LVM metadata). A crypttab line keyed from /dev/urandom protects swap or
   * scratch space only; the existence of some encrypted volume elsewhere proves nothing.
   */
  description:
    'Every plain model file (and each listed directory) must sit on a filesystem that resolves to a dm-crypt device (fstab, crypttab, /proc/mounts, lsblk), or be llmsec-encrypted.',
  appliesWhen: ['model-files'],
  params: {
    type: 'object',
    additionalProperties: false,
    properties: {paths: {type: 'array', items: {type: 'string', pattern: '^/'}, nullable: true}},
  },
  async run({root, live, facts, params}) {
    const reader = new RootReader(root)
    const models = await facts.get('models')
    reader.note(...models.unreadable)
    const plain = models.files.filter((f) => f.format !== 'llmsec-encrypted')
    const dirs = existingModelDirs(models)
    // One answer per model directory (a file outside them is judged alone).
    const paths = [
      ...new Set([
        ...plain.map((f) => dirs.find((d) => f.path.startsWith(`${d.path}/`))?.path ?? f.path),
        ...(params.paths ?? []),
      ]),
    ]
    if (!paths.length)
      return guardUnreadable(
        outcome.pass([`all ${models.files.length} model files are llmsec-encrypted`]),
        reader.unreadable,
      )
    const resolved = live ? await resolveLive(new RootReader('/'), paths) : await resolveOffline(reader, paths)
    if (typeof resolved === 'string') return outcome.error(`cannot tell which devices hold the models: ${resolved}`)
    const bad = resolved.filter((r) => !r.encrypted)
    const lines = [...bad, ...resolved.filter((r) => r.encrypted)].map((r) => r.evidence)
    const verdict = bad.length ? outcome.fail(lines, bad[0].path) : outcome.pass(lines)
    return guardUnreadable(verdict, reader.unreadable, true)
  },
})
