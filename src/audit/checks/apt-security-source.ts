import {parseOsRelease} from '../../hardware/index.js'
import {defineCheck, guardUnreadable, NO_PARAMS, outcome, type NoParams} from '../check.js'
import {RootReader, type TextFile} from '../facts/index.js'
import {withFix} from '../fixes.js'

const LIST = '/etc/apt/sources.list'
const LIST_DIR = '/etc/apt/sources.list.d'

/** One enabled binary (`deb`) source: where it was read and the suites it names. */
interface Source {
  where: string
  text: string
  uris: string[]
  suites: string[]
}

/** One-line style (sources.list(5)): `deb [options] URI SUITE [COMPONENT…]`; `#` starts a comment. */
function oneLineSources(file: TextFile): Source[] {
  const out: Source[] = []
  file.text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim()
    const m = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/.exec(line)
    if (m) out.push({where: `${file.path}:${i + 1}`, text: line, uris: [m[1]], suites: [m[2]]})
  })
  return out
}

/** deb822 style (`*.sources`): stanzas of Types, URIs, Suites; `Enabled: no` turns one off. */
function deb822Sources(file: TextFile): Source[] {
  const out: Source[] = []
  let start = 0
  const lines = file.text.split('\n')
  for (let i = 0; i <= lines.length; i++) {
    if (i < lines.length && lines[i].trim() !== '') continue
    const fields = new Map<string, string>()
    let key = ''
    for (const raw of lines.slice(start, i)) {
      if (raw.startsWith('#')) continue
      const m = /^([A-Za-z-]+):\s*(.*)$/.exec(raw)
      if (m) fields.set((key = m[1].toLowerCase()), m[2].trim())
      else if (/^\s/.test(raw) && key) fields.set(key, `${fields.get(key)} ${raw.trim()}`)
    }
    const words = (k: string) => (fields.get(k) ?? '').split(/\s+/).filter(Boolean)
    if (words('types').includes('deb') && (fields.get('enabled') ?? 'yes').toLowerCase() !== 'no')
      out.push({
        where: `${file.path}:${start + 1}`,
        text: `${words('uris').join(' ')} ${words('suites').join(' ')}`,
        uris: words('uris'),
        suites: words('suites'),
      })
    start = i + 1
  }
  return out
}

/** A security suite: `CODENAME-security` (Debian 11+, Ubuntu) or Debian's older `CODENAME/updates` on security.debian.org. */
const isSecurity = (s: Source) =>
  s.suites.some((suite) => /-security$/.test(suite)) ||
  (s.uris.some((u) => /security\.debian\.org/.test(u)) && s.suites.some((suite) => /\/updates$/.test(suite)))

/** Debian releases with a -security suite, for an os-release without VERSION_CODENAME. */
const DEBIAN_CODENAMES: Record<string, string> = {'11': 'bullseye', '12': 'bookworm', '13': 'trixie'}

/** The line the fix appends, for the release os-release names (null when it names none llmsec knows). */
function securityLine(osRelease: string): string | null {
  const fields = parseOsRelease(osRelease)
  const id = fields.get('ID')
  const codename =
    fields.get('VERSION_CODENAME') ?? (id === 'debian' ? DEBIAN_CODENAMES[fields.get('VERSION_ID') ?? ''] : undefined)
  if (!codename || !/^[a-z]+$/.test(codename)) return null
  if (id === 'debian') return `deb http://security.debian.org/debian-security ${codename}-security main`
  if (id === 'ubuntu')
    return `deb http://security.ubuntu.com/ubuntu ${codename}-security main restricted universe multiverse`
  return null
}

export const check = defineCheck<NoParams>()({
  id: 'apt-security-source',
  title: "APT is configured with the distribution's security suite",
  description:
    'An enabled deb source in /etc/apt/sources.list, sources.list.d/*.list or sources.list.d/*.sources (deb822, Enabled: no skipped) names a -security suite.',
  limits:
    'That the mirror is reachable, that apt-get update has run, or that the updates are installed (os-security-updates-pending and automatic-security-updates ask that).',
  appliesWhen: ['debian'],
  params: NO_PARAMS,
  async run({root}) {
    const reader = new RootReader(root)
    const main = await reader.text(LIST)
    const sources = [
      ...(main === null ? [] : oneLineSources({path: LIST, text: main})),
      ...(await reader.dropIns(LIST_DIR, '.list')).flatMap(oneLineSources),
      ...(await reader.dropIns(LIST_DIR, '.sources')).flatMap(deb822Sources),
    ]
    const seen = sources.map((s) => `${s.where}: ${s.text}`)
    const security = sources.filter(isSecurity)
    if (security.length)
      return guardUnreadable(
        outcome.pass(
          security.map((s) => `${s.where}: ${s.text}`),
          security[0].where.replace(/:\d+$/, ''),
        ),
        reader.unreadable,
      )
    const line = securityLine((await reader.text('/etc/os-release')) ?? '')
    const fix = line
      ? {edits: [{op: 'append' as const, path: LIST, line}]}
      : {
          steps: [
            "add the distribution's security suite to /etc/apt/sources.list (os-release names no release llmsec knows)",
          ],
        }
    const head = `none of the ${sources.length} enabled APT sources is a security suite`
    return guardUnreadable(withFix(outcome.fail([head, ...seen.slice(0, 20)], LIST), fix), reader.unreadable)
  },
})
