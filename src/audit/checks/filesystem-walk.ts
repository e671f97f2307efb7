import {defineCheck, outcome, type CheckOutcome} from '../check.js'
import {
  DEFAULT_WALK_BUDGET,
  fileWalk,
  PRUNED,
  WALK_SAMPLE,
  type FileWalk,
  type Unreadable,
  type WalkFinding,
} from '../facts/index.js'
import {withFix, type FileEdit} from '../fixes.js'

type Finding = 'world-writable-files' | 'open-directories' | 'unowned'

interface Params {
  /** What the walk must not find. */
  find: Finding
  /** Walk budget: most entries looked at (default 2,000,000). */
  maxEntries?: number
  /** Walk budget: most milliseconds (default 600,000; the check's --timeout stops it first). */
  maxMs?: number
}

/** What each finding is, as the evidence names it. */
const WHAT: Record<Finding, {plural: string; none: string; of: (w: FileWalk) => WalkFinding}> = {
  'world-writable-files': {
    plural: 'world-writable regular files',
    none: 'no regular file is writable by others',
    of: (w) => w.worldWritableFiles,
  },
  'open-directories': {
    plural: 'directories writable by others without the sticky bit',
    none: 'every directory writable by others has the sticky bit',
    of: (w) => w.openDirectories,
  },
  unowned: {
    plural: "entries whose owner or group is not in the root's /etc/passwd and /etc/group",
    none: "every entry's owner is in /etc/passwd and its group in /etc/group",
    of: (w) => w.unowned,
  },
}

/** The scope line every outcome carries: how much was walked and what was not entered. */
function scope(walk: FileWalk, find: Finding): string {
  const skipped = walk.skippedMounts.length ? `; mounts not entered: ${walk.skippedMounts.join(', ')}` : ''
  const sticky = find === 'open-directories' ? `, ${walk.stickyDirectories} others may write with the sticky bit` : ''
  return `${walk.entries} entries walked${sticky} (${PRUNED.join(', ')} not entered${skipped})`
}

function listed(finding: WalkFinding): string[] {
  return finding.first.map((f) => `${f.path} (${f.note})`)
}

/** chmod edits for the listed paths; the rest (past the first WALK_SAMPLE) are left to the next audit. */
function fixOf(find: Finding, finding: WalkFinding) {
  const rest =
    finding.count > finding.first.length
      ? [`${finding.count - finding.first.length} more are not listed: audit again with --walk after fixing these`]
      : []
  if (find === 'unowned')
    return {
      steps: [
        "Give each listed path an owner of the root's /etc/passwd and a group of its /etc/group (chown USER:GROUP PATH), or delete it if it belonged to a removed account",
        ...rest,
      ],
    }
  const mode = find === 'world-writable-files' ? 'o-w' : '+t'
  const edits: FileEdit[] = finding.first.map((f) => ({op: 'chmod', path: f.path, mode}))
  return {edits, steps: rest}
}

/** An incomplete walk (budget, an unreadable directory): an error naming why, with what was found so far. */
function incomplete(unreadable: Unreadable[], walk: FileWalk, find: Finding): CheckOutcome {
  const {plural, of} = WHAT[find]
  const base = outcome.unreadable(unreadable)
  const finding = of(walk)
  const sofar = [`found so far: ${finding.count} ${plural}`, ...listed(finding), scope(walk, find)]
  return {...base, evidence: [...base.evidence, ...sofar]}
}

const SCHEMA_BUDGET = {type: 'integer', minimum: 1, nullable: true} as const

export const check = defineCheck<Params>()({
  id: 'filesystem-walk',
  title: 'A walk of the local filesystems finds no file of a kind (with --walk)',
  description:
    'With --walk only: every entry under / is lstat-ed (links are never followed), except /proc, /sys, /dev, /run and mount points of network, FUSE, pseudo or read-only image filesystems. Fails when the walk finds entries of the kind named; reports their count and the first 20 paths. A walk that hits its budget or cannot list a directory is an error, never a pass.',
  limits:
    "Only modes and owners at the time of the walk; ACLs that grant others write are not read, and under --root owners are judged against the root's own /etc/passwd and /etc/group only (accounts from LDAP or another NSS source count as unknown).",
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['find'],
    properties: {
      find: {type: 'string', enum: ['world-writable-files', 'open-directories', 'unowned']},
      maxEntries: SCHEMA_BUDGET,
      maxMs: SCHEMA_BUDGET,
    },
  },
  // The walk reads the whole tree: queued first, so the other checks' waiting overlaps it.
  early: true,
  async run({walk: allowed, facts, params, signal}) {
    if (!allowed) return outcome.notApplicable('the local filesystems are walked only with --walk')
    const budget = {
      maxEntries: params.maxEntries ?? DEFAULT_WALK_BUDGET.maxEntries,
      maxMs: params.maxMs ?? DEFAULT_WALK_BUDGET.maxMs,
    }
    const walk = await fileWalk(facts, budget, signal)
    const gaps = [...walk.unreadable, ...(params.find === 'unowned' ? (await facts.get('users')).unreadable : [])]
    if (gaps.length) return incomplete(gaps, walk, params.find)
    const {plural, none, of} = WHAT[params.find]
    const finding = of(walk)
    if (!finding.count) return outcome.pass([`${none}: ${scope(walk, params.find)}`])
    const head = `${finding.count} ${plural}; the first ${Math.min(finding.count, WALK_SAMPLE)}:`
    const out = outcome.fail([head, ...listed(finding), scope(walk, params.find)], finding.first[0].path)
    return withFix(out, fixOf(params.find, finding))
  },
})
