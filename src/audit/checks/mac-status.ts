import {posix} from 'node:path'

import {defineCheck, guardUnreadable, outcome, type CheckOutcome} from '../check.js'
import {configLines, RootReader, type FactCache, type InferenceService} from '../facts/index.js'
import {aptInstall, live as liveCommand, withFix} from '../fixes.js'

type Aspect = 'enabled' | 'enforcing' | 'inference-confined'

interface Params {
  /** `enabled`: the MAC system is on; `enforcing`: every profile enforces; `inference-confined`: inference services run under a profile. */
  aspect: Aspect
}

const RHEL_FAMILY = ['rhel', 'fedora', 'centos', 'rocky', 'almalinux', 'ol']
const MAX_PROFILES = 2000
const MAX_LISTED = 20

/** Kernel command-line words the bootloader passes (GRUB_CMDLINE_LINUX*), for apparmor=0 or selinux=0. */
async function grubCmdline(reader: RootReader): Promise<string[]> {
  const files = [{path: '/etc/default/grub', text: (await reader.text('/etc/default/grub')) ?? ''}]
  for (const file of await reader.dropIns('/etc/default/grub.d', '.cfg')) files.push(file)
  return files.flatMap((f) =>
    configLines(f.text).flatMap(
      (l) => /^GRUB_CMDLINE_LINUX(?:_DEFAULT)?=["']?([^"']*)/.exec(l)?.[1].split(/\s+/) ?? [],
    ),
  )
}

async function apparmorEnabled(reader: RootReader, facts: FactCache, live: boolean): Promise<CheckOutcome> {
  const fix = {
    commands: [aptInstall('apparmor', 'apparmor-utils'), liveCommand('systemctl enable --now apparmor.service')],
  }
  if (live) {
    const enabled = (await reader.text('/sys/module/apparmor/parameters/enabled'))?.trim()
    if (enabled === 'Y') return outcome.pass(['AppArmor is enabled in the running kernel'])
    return withFix(
      outcome.fail([`AppArmor is not enabled in the running kernel (${enabled ?? 'no apparmor module'})`]),
      fix,
    )
  }
  const problems: string[] = []
  if (!(await reader.stat('/usr/sbin/apparmor_parser')) && !(await reader.stat('/sbin/apparmor_parser')))
    problems.push('AppArmor is not installed (no apparmor_parser)')
  const systemd = await facts.get('systemd')
  reader.note(...systemd.unreadable)
  if (systemd.installed && !systemd.units.some((u) => u.name === 'apparmor.service' && u.enabled))
    problems.push('apparmor.service is not enabled: no profiles are loaded at boot')
  const off = (await grubCmdline(reader)).filter(
    (w) => w === 'apparmor=0' || (w.startsWith('security=') && w !== 'security=apparmor'),
  )
  if (off.length) problems.push(`the kernel command line turns AppArmor off (${off.join(' ')})`)
  if (!problems.length)
    return outcome.pass(['AppArmor is installed, loaded at boot and not turned off on the kernel command line'])
  const steps = off.length
    ? [`remove ${off.join(' ')} from GRUB_CMDLINE_LINUX in /etc/default/grub, then update-grub`]
    : []
  return withFix(outcome.fail(problems), {...fix, steps})
}

/** Profiles under /etc/apparmor.d (top-level files) and the ones in complain or unconfined mode. */
async function offlineProfiles(reader: RootReader): Promise<{profiles: string[]; lax: string[]}> {
  const forced = new Set(await reader.list('/etc/apparmor.d/force-complain'))
  const disabled = new Set(await reader.list('/etc/apparmor.d/disable'))
  const profiles: string[] = []
  const lax: string[] = []
  const names = await reader.list('/etc/apparmor.d')
  // Past MAX_PROFILES nothing is read: recorded as unreadable, so a complain-mode profile there cannot pass.
  if (names.length > MAX_PROFILES)
    reader.note({
      path: '/etc/apparmor.d',
      code: 'ETOOMANY',
      reason: `more than ${MAX_PROFILES} entries; not all were read`,
    })
  for (const name of names.slice(0, MAX_PROFILES)) {
    const path = posix.join('/etc/apparmor.d', name)
    if (disabled.has(name) || /\.dpkg-|~$/.test(name) || !(await reader.stat(path))?.isFile()) continue
    const text = (await reader.text(path)) ?? ''
    if (!/^\s*(profile\s|\/|@\{)[^\n]*\{/m.test(text)) continue
    profiles.push(path)
    const mode = /flags\s*=\s*\(([^)]*)\)/.exec(text)?.[1] ?? ''
    if (forced.has(name) || /\b(complain|unconfined|kill)\b/.test(mode)) lax.push(path)
  }
  return {profiles, lax}
}

async function apparmorEnforcing(reader: RootReader, live: boolean): Promise<CheckOutcome> {
  let profiles: string[]
  let lax: string[]
  if (live) {
    const lines = ((await reader.text('/sys/kernel/security/apparmor/profiles')) ?? '').split('\n').filter(Boolean)
    profiles = lines
    lax = lines.filter((l) => !l.endsWith('(enforce)'))
  } else ({profiles, lax} = await offlineProfiles(reader))
  const where = live ? 'loaded' : 'in /etc/apparmor.d'
  if (!profiles.length)
    return withFix(outcome.fail([`no AppArmor profiles ${where}`]), {
      commands: [aptInstall('apparmor', 'apparmor-profiles')],
    })
  if (!lax.length) return outcome.pass([`${profiles.length} AppArmor profiles ${where}, all enforcing`])
  const listed = lax.slice(0, MAX_LISTED).map((p) => `${p} is not enforcing`)
  const more = lax.length > MAX_LISTED ? [`… and ${lax.length - MAX_LISTED} more`] : []
  const commands = live ? [] : lax.slice(0, MAX_LISTED).map((p) => liveCommand(`aa-enforce ${p}`))
  return withFix(
    outcome.fail([`${lax.length} of ${profiles.length} AppArmor profiles ${where} do not enforce`, ...listed, ...more]),
    {
      commands: commands.length ? commands : [liveCommand('aa-enforce /etc/apparmor.d/*')],
    },
  )
}

async function selinux(reader: RootReader, live: boolean, aspect: Aspect): Promise<CheckOutcome> {
  const wanted = aspect === 'enabled' ? ['enforcing', 'permissive'] : ['enforcing']
  if (live) {
    const enforce = (await reader.text('/sys/fs/selinux/enforce'))?.trim()
    const mode = enforce === '1' ? 'enforcing' : enforce === '0' ? 'permissive' : 'disabled'
    if (wanted.includes(mode)) return outcome.pass([`SELinux is ${mode} in the running kernel`])
    return withFix(outcome.fail([`SELinux is ${mode} in the running kernel`]), {
      steps: [
        'set SELINUX=enforcing in /etc/selinux/config (relabel with `fixfiles onboot` when it was disabled) and reboot',
      ],
    })
  }
  const text = (await reader.text('/etc/selinux/config')) ?? ''
  const mode =
    configLines(text)
      .flatMap((l) => /^SELINUX=(\w+)/.exec(l)?.[1] ?? [])
      .at(-1) ?? 'disabled'
  const off = (await grubCmdline(reader)).filter(
    (w) => w === 'selinux=0' || (aspect === 'enforcing' && w === 'enforcing=0'),
  )
  const problems = [
    ...(wanted.includes(mode) ? [] : [`SELINUX=${mode} in /etc/selinux/config`]),
    ...(off.length ? [`the kernel command line overrides it (${off.join(' ')})`] : []),
  ]
  if (!problems.length) return outcome.pass([`SELINUX=${mode} in /etc/selinux/config`], '/etc/selinux/config')
  return withFix(outcome.fail(problems, '/etc/selinux/config'), {
    edits:
      mode === 'enforcing'
        ? []
        : [{op: 'set', path: '/etc/selinux/config', syntax: 'equals', key: 'SELINUX', value: 'enforcing'}],
    steps: off.length ? [`remove ${off.join(' ')} from the kernel command line`] : [],
  })
}

/** Whether a profile attaches to a program: `/usr/bin/x {` or `profile name /usr/bin/x {` (apparmor.d(5)). */
function attaches(text: string, binary: string): boolean {
  return text.split('\n').some((line) => {
    const words = line.trim().split(/[\s{]+/)
    return words[0] === binary || (words[0] === 'profile' && (words[1] === binary || words[2] === binary))
  })
}

/** How an inference service is confined: a running process's label, or the unit's AppArmorProfile=/SELinuxContext=. */
async function confinement(reader: RootReader, facts: FactCache, service: InferenceService): Promise<string | null> {
  if (service.source === 'process') {
    const label = (await reader.text(`${service.location}/attr/current`))?.replace(/\0/g, '').trim()
    return label && !/^unconfined(\s|$)|unconfined_t/.test(label) ? label : null
  }
  const unit = (await facts.get('systemd')).units.find((u) => u.path === service.location)
  const set = unit?.sections.Service?.AppArmorProfile?.at(-1) ?? unit?.sections.Service?.SELinuxContext?.at(-1)
  if (set) return set
  const binary = service.args[0]
  if (!binary?.startsWith('/')) return null
  const {profiles} = await offlineProfiles(reader)
  for (const path of profiles) if (attaches((await reader.text(path)) ?? '', binary)) return path
  return null
}

async function inferenceConfined(reader: RootReader, facts: FactCache): Promise<CheckOutcome> {
  const services = await facts.get('inference')
  if (!services.length) return outcome.notApplicable('no inference service found')
  const confined: string[] = []
  const open: string[] = []
  for (const service of services) {
    const by = await confinement(reader, facts, service)
    if (by) confined.push(`${service.runtime} (${service.location}) is confined by ${by}`)
    else open.push(`${service.runtime} (${service.location}) runs unconfined`)
  }
  if (!open.length) return outcome.pass(confined)
  return withFix(outcome.fail([...open, ...confined]), {
    steps: [
      'write an AppArmor profile for each listed server (aa-genprof, then enforce it) and set AppArmorProfile= in its unit',
    ],
  })
}

export const check = defineCheck<Params>()({
  id: 'mac-status',
  title: 'Mandatory access control is on, enforcing and confines inference services',
  limits:
    'That AppArmor or SELinux is on and its profiles enforce; not what a profile allows, so a permissive profile in enforce mode passes.',
  description:
    'AppArmor (SELinux on RHEL-family systems): enabled in the kernel or configured to load at boot, every profile enforcing, inference services running under a profile.',
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['aspect'],
    properties: {aspect: {type: 'string', enum: ['enabled', 'enforcing', 'inference-confined']}},
  },
  async run({root, live, facts, params}) {
    const reader = new RootReader(root)
    const os = await facts.get('os')
    reader.note(...os.unreadable)
    const rhel = [os.id ?? '', ...os.idLike].some((id) => RHEL_FAMILY.includes(id))
    let verdict: CheckOutcome
    if (params.aspect === 'inference-confined') verdict = await inferenceConfined(reader, facts)
    else if (rhel) verdict = await selinux(reader, live, params.aspect)
    else if (params.aspect === 'enabled') verdict = await apparmorEnabled(reader, facts, live)
    else verdict = await apparmorEnforcing(reader, live)
    return guardUnreadable(verdict, reader.unreadable)
  },
})
