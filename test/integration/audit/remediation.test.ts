import {appendFile, cp, mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {AuditResult, RuleResult} from '../../../src/audit/index.js'
import {applyEdits} from '../../helpers/apply-fix.js'
import {buildCarelessRoot} from '../../helpers/audit-roots.js'
import {runCliJson} from '../../helpers/cli.js'
import {addToRoot, removeRoot, type RootSpec} from '../../helpers/rootfs.js'

/**
 * Failures of the careless root whose fix is not a file edit, and why. Every other failure's
 * printed edits must turn it into a pass.
 */
const NOT_FILE_EDITS: Record<string, string> = {
  'no-secrets-in-units': 'the token has to be moved out of the unit by a person (llmsec never prints it) and rotated',
  'no-pickle-models': 'the checkpoint has to be converted to safetensors from a trusted copy',
  'models-signed': "signing needs the signer's private key (llmsec sign)",
  'models-encrypted-at-rest': 'a LUKS volume on a block device is made on the running host (cryptsetup)',
  'file-integrity-monitoring': 'the AIDE database is built by aide --init from the files of the running system',
  'os-security-updates-pending': 'apt-get update fetches the security lists and apt-get upgrade installs the updates',
  'ssh-access-list': 'who may log in over SSH is the operator’s choice (a step says where to list them)',
  'ssh-second-factor': 'a second factor has to be set up in PAM by a person before sshd may demand it',
  'var-log-separate-mount': 'a partition or logical volume for /var/log is made on the running host',
  'logs-forwarded-remote': 'the remote collector is the operator’s choice (a step names both ways to set it)',
  'inference-units-confined':
    'an AppArmor profile for the server has to be written (aa-genprof) and enforced by a person',
  // These need a package installed first (a live command); the second test gives the root the
  // package's files and then applies the same printed edits.
  'firewall-configured': 'needs nftables installed and enabled',
  'auditd-active': 'needs auditd installed and enabled',
  'audit-watches-models': 'needs auditd installed and enabled',
  'audit-model-directories': 'needs auditd installed and enabled',
  'audit-rules-immutable': 'needs auditd installed and enabled',
  'time-sync': 'needs chrony installed and enabled',
  'automatic-security-updates': 'needs unattended-upgrades installed',
  'sudo-installed': 'needs sudo installed',
  'aide-installed': 'needs aide installed',
  'intrusion-prevention-installed': 'needs fail2ban installed',
  'mac-enabled': 'needs apparmor installed and enabled',
  'mac-profiles-enforcing': 'needs apparmor (with its profiles) installed',
}

/** What the Debian packages the fixes install put where the checks look, and the unit each enables. */
const PACKAGES: Record<string, RootSpec> = {
  nftables: {'/lib/systemd/system/nftables.service': '[Service]\nExecStart=/usr/sbin/nft -f /etc/nftables.conf\n'},
  auditd: {
    '/sbin/auditd': {content: '', mode: 0o755},
    '/lib/systemd/system/auditd.service': '[Service]\nExecStart=/sbin/auditd\n',
  },
  chrony: {'/lib/systemd/system/chrony.service': '[Service]\nExecStart=/usr/sbin/chronyd\n'},
  'unattended-upgrades': {},
  sudo: {},
  apparmor: {
    '/usr/sbin/apparmor_parser': {content: '', mode: 0o755},
    '/lib/systemd/system/apparmor.service': '[Service]\nExecStart=/lib/apparmor/apparmor.systemd reload\n',
  },
  'apparmor-utils': {},
  aide: {},
  fail2ban: {'/lib/systemd/system/fail2ban.service': '[Service]\nExecStart=/usr/bin/fail2ban-server -xf start\n'},
  'aide-common': {},

  'apparmor-profiles': {'/etc/apparmor.d/usr.bin.man': '/usr/bin/man {\n}\n'},
}

async function audit(root: string): Promise<Map<string, RuleResult>> {
  const run = await runCliJson<AuditResult>(
    // --walk: the world-writable file and directory rules fail on the careless root and their chmods are checked too.
    ['audit', '--root', root, '--ruleset', 'all', '--walk', '--fail-on', 'none', '--allow-incomplete'],
    {timeoutMs: 120_000},
  )
  expect(run.exitCode, run.stderr).toBe(0)
  return new Map(run.json.rules.map((r) => [r.ruleId, r]))
}

async function copyRoot(root: string): Promise<string> {
  const copy = await mkdtemp(join(tmpdir(), 'llmsec-fixed-'))
  await cp(root, copy, {recursive: true, verbatimSymlinks: true, preserveTimestamps: true})
  return copy
}

const failing = (rules: Map<string, RuleResult>) => [...rules.values()].filter((r) => r.status === 'fail')
const statusOf = (rules: Map<string, RuleResult>) => Object.fromEntries([...rules].map(([id, r]) => [id, r.status]))

/** `apt-get install -y PKG…` and `systemctl enable --now UNIT`, as they would change the root. */
async function simulateCommands(root: string, commands: string[], done: Set<string>): Promise<void> {
  for (const command of commands) {
    if (done.has(command)) continue
    done.add(command)
    const install = /^apt-get install -y ((?:[a-z0-9.+-]+ ?)+)$/.exec(command)
    if (install)
      for (const name of install[1].trim().split(' ')) {
        if (!PACKAGES[name]) throw new Error(`the test does not know what package ${name} installs`)
        await addToRoot(root, PACKAGES[name])
        const entry = `\nPackage: ${name}\nStatus: install ok installed\nVersion: 1.0\n`
        await appendFile(join(root, 'var/lib/dpkg/status'), entry)
      }
    const enable = /^systemctl enable --now (\S+)$/.exec(command)
    if (enable) {
      const unit = enable[1].includes('.') ? enable[1] : `${enable[1]}.service`
      await addToRoot(root, {
        [`/etc/systemd/system/multi-user.target.wants/${unit}`]: {link: `/lib/systemd/system/${unit}`},
      })
    }
  }
}

describe('remediation that is right where it is printed: the careless root', () => {
  let careless: string
  let before: Map<string, RuleResult>
  const copies: string[] = []
  beforeAll(async () => {
    careless = await buildCarelessRoot()
    before = await audit(careless)
  }, 120_000)
  afterAll(async () => {
    await removeRoot(careless)
    for (const c of copies) await rm(c, {recursive: true, force: true})
  })

  it('applying every printed file edit turns each such failure into a pass, and breaks nothing', async () => {
    const fixable = failing(before).filter((r) => !(r.ruleId in NOT_FILE_EDITS))
    expect(fixable.length).toBeGreaterThanOrEqual(15)
    for (const rule of failing(before)) {
      // Each failure either prints edits or is listed above with a reason (and prints none).
      if (rule.ruleId in NOT_FILE_EDITS) expect(rule.fix?.edits ?? [], rule.ruleId).toEqual(expect.any(Array))
      else expect(rule.fix?.edits.length, `${rule.ruleId} prints no file edit`).toBeGreaterThan(0)
    }
    // Fixes that share a file append or write distinct drop-ins: no path is written twice differently.
    const written = new Map<string, string>()
    for (const edit of failing(before).flatMap((r) => r.fix?.edits ?? []))
      if (edit.op === 'write') {
        expect(written.get(edit.path) ?? edit.content, edit.path).toBe(edit.content)
        written.set(edit.path, edit.content)
      }
    const sysctl = [...written.keys()].filter((p) => p.startsWith('/etc/sysctl.d/'))
    // One drop-in per key: as many files as failing sysctl rules (29 on this root), none shared.
    const sysctlRules = failing(before).filter((r) => r.fix?.edits.some((e) => e.path.startsWith('/etc/sysctl.d/')))
    expect(sysctlRules.length).toBeGreaterThanOrEqual(20)
    expect(sysctl).toHaveLength(sysctlRules.length)
    // The firewall accepts SSH and replies before its policy drops the rest.
    const nft = written.get('/etc/nftables.conf')!
    expect(nft).toMatch(
      /policy drop;\n(.*\n)*\s+ct state established,related accept\n(.*\n)*\s+tcp dport \{ 22 \} accept/,
    )
    const fixed = await copyRoot(careless)
    copies.push(fixed)
    for (const rule of fixable) await applyEdits(fixed, rule.fix!.edits)
    const after = await audit(fixed)
    expect(Object.fromEntries(fixable.map((r) => [r.ruleId, after.get(r.ruleId)?.status]))).toEqual(
      Object.fromEntries(fixable.map((r) => [r.ruleId, 'pass'])),
    )
    for (const [id, rule] of before) if (rule.status === 'pass') expect(after.get(id)?.status, id).toBe('pass')
    for (const id of Object.keys(NOT_FILE_EDITS)) expect(before.get(id)?.status, id).toBe('fail')
  }, 240_000)

  it('with the packages the printed commands install, the same edits fix those rules too', async () => {
    const fixed = await copyRoot(careless)
    copies.push(fixed)
    const needPackages = Object.keys(NOT_FILE_EDITS).filter((id) => NOT_FILE_EDITS[id].startsWith('needs '))
    let rules = before
    const ran = new Set<string>()
    // Fixing one thing may show the next (an installed auditd then needs its rules): a few rounds.
    for (let round = 0; round < 3; round++) {
      const todo = failing(rules).filter((r) => r.fix)
      for (const rule of todo) {
        if (needPackages.includes(rule.ruleId))
          await simulateCommands(
            fixed,
            rule.fix!.commands.map((c) => c.command),
            ran,
          )
        await applyEdits(fixed, rule.fix!.edits)
      }
      rules = await audit(fixed)
    }
    expect(Object.fromEntries(needPackages.map((id) => [id, rules.get(id)?.status]))).toEqual(
      Object.fromEntries(needPackages.map((id) => [id, 'pass'])),
    )
    const stillFailing = failing(rules).map((r) => r.ruleId)
    expect(stillFailing.sort()).toEqual(
      Object.keys(NOT_FILE_EDITS)
        .filter((id) => !needPackages.includes(id))
        .sort(),
    )
    for (const [id, rule] of before) if (rule.status === 'pass') expect(rules.get(id)?.status, id).toBe('pass')
    expect(statusOf(rules)['firewall-configured']).toBe('pass')
  }, 300_000)

  it("speaks each runtime's language and, in a container, sends host settings to the host", async () => {
    const vllm = await copyRoot(careless)
    copies.push(vllm)
    await rm(join(vllm, 'etc/systemd/system/multi-user.target.wants/ollama.service'))
    await rm(join(vllm, 'etc/systemd/system/ollama.service'))
    await addToRoot(vllm, {
      '/etc/systemd/system/vllm.service':
        '[Service]\nExecStart=/usr/bin/vllm serve /srv/models/llama-ft --host 0.0.0.0\nUser=vllm\n',
    })
    const bind = (await audit(vllm)).get('inference-bind-loopback')!
    expect(bind.status).toBe('fail')
    expect(bind.remediation).not.toMatch(/ollama/i)
    expect(bind.fix!.steps.join('\n')).toMatch(
      /vllm \(\/etc\/systemd\/system\/vllm.service\): vllm serve --host 127\.0\.0\.1/,
    )

    await addToRoot(vllm, {'/.dockerenv': ''})
    const inContainer = await audit(vllm)
    for (const id of ['sysctl-kptr-restrict', 'usb-storage-disabled', 'journald-persistent']) {
      const fix = inContainer.get(id)!.fix!
      expect(fix.edits, id).toEqual([])
      expect(
        fix.commands.filter((c) => /^(systemctl|sysctl|modprobe)/.test(c.command)),
        id,
      ).toEqual([])
      expect(fix.steps.join('\n'), id).toMatch(/this is a container: apply this on the host or in the image build/)
    }
    // Files of the image itself are still edited in place.
    expect(inContainer.get('default-umask-restrictive')!.fix!.edits).toHaveLength(1)
  }, 240_000)
})
