import {existingModelDirs, parseMode} from '../check-helpers.js'
import {defineCheck, guardUnreadable, outcome} from '../check.js'
import {withFix, type FileEdit} from '../fixes.js'

const under = (path: string, dir: string) => path === dir || path.startsWith(`${dir}/`)

/** chmod -R on each outermost model directory with a bad entry, and on bad files outside every directory. */
function permissionsFix(dirs: string[], bad: string[], mode: string): FileEdit[] {
  const roots = dirs.filter((d) => bad.some((p) => under(p, d)) && !dirs.some((o) => o !== d && under(d, o)))
  const loose = bad.filter((p) => !roots.some((d) => under(p, d)))
  return [
    ...roots.map((path) => ({op: 'chmod' as const, path, mode, recursive: true})),
    ...loose.map((path) => ({op: 'chmod' as const, path, mode})),
  ]
}

interface Params {
  forbid: 'world-writable' | 'world-readable'
}

export const check = defineCheck<Params>()({
  id: 'model-permissions',
  title: 'Model directories and files are not world-accessible',
  description:
    'Checks the mode of model directories and files: world-writable lets anyone swap a model; world-readable leaks it.',
  appliesWhen: ['model-files'],
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['forbid'],
    properties: {forbid: {type: 'string', enum: ['world-writable', 'world-readable']}},
  },
  async run({facts, params}) {
    const models = await facts.get('models')
    const {files, unreadable} = models
    const dirs = existingModelDirs(models)
    const bit = params.forbid === 'world-writable' ? 0o002 : 0o004
    const bad = [...dirs, ...files].filter((entry) => (parseMode(entry.mode) & bit) !== 0)
    if (bad.length) {
      const lines = bad.slice(0, 20).map((e) => `${e.path} mode ${e.mode} is ${params.forbid}`)
      const shown = bad.length > 20 ? [...lines, `… and ${bad.length - 20} more`] : lines
      const mode = params.forbid === 'world-writable' ? 'o-w' : 'o-rwx'
      const edits = permissionsFix(
        dirs.map((d) => d.path),
        bad.map((e) => e.path),
        mode,
      )
      return guardUnreadable(withFix(outcome.fail(shown, bad[0].path), {edits}), unreadable, true)
    }
    return guardUnreadable(
      outcome.pass([`${dirs.length} model directories and ${files.length} files, none ${params.forbid}`]),
      unreadable,
    )
  },
})
