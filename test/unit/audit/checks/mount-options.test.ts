import {expect, it} from 'vitest'

import {check} from '../../../../src/audit/checks/mount-options.js'
import {parseMountinfo} from '../../../../src/audit/facts/mounts.js'
import {checkTester, runCase} from '../../../helpers/check-tester.js'

const fstab = (line: string) => ({'/etc/fstab': `# <fs> <dir> <type> <options>\nUUID=1 / ext4 defaults 0 1\n${line}\n`})
const systemd = {'/usr/lib/systemd/systemd': ''}

checkTester.run(check, {
  valid: [
    {
      name: 'an fstab tmpfs with the options',
      files: fstab('tmpfs /tmp tmpfs rw,nosuid,nodev,noexec 0 0'),
      params: {path: '/tmp', options: ['nodev', 'noexec']},
      evidence: ['/tmp: rw,nosuid,nodev,noexec (/etc/fstab)'],
      location: '/etc/fstab',
    },
    {
      name: "systemd's own /dev/shm mount has nodev",
      files: systemd,
      params: {path: '/dev/shm', options: ['nodev']},
      evidence: ['/dev/shm: nosuid,nodev,strictatime,mode=1777 (systemd (built-in mount))'],
    },
    {
      name: 'an enabled tmp.mount unit',
      files: {
        ...systemd,
        '/usr/share/systemd/tmp.mount': '[Mount]\nWhat=tmpfs\nWhere=/tmp\nOptions=mode=1777,strictatime,nosuid,nodev\n',
        '/etc/systemd/system/local-fs.target.wants/tmp.mount': {link: '/usr/share/systemd/tmp.mount'},
      },
      params: {path: '/tmp', options: ['nosuid']},
    },
    {name: 'a separate /var/log', files: fstab('/dev/vg/log /var/log ext4 defaults 0 2'), params: {path: '/var/log'}},
  ],
  invalid: [
    {
      name: 'an fstab line without noexec: the fix says which line',
      status: 'fail',
      files: fstab('tmpfs /tmp tmpfs rw,nosuid,nodev 0 0'),
      params: {path: '/tmp', options: ['noexec']},
      evidence: ['/tmp is mounted without noexec', '/tmp: rw,nosuid,nodev (/etc/fstab)'],
    },
    {
      name: "systemd's /dev/shm lacks noexec",
      status: 'fail',
      files: systemd,
      params: {path: '/dev/shm', options: ['noexec']},
    },
    {
      name: 'no /tmp mount at all',
      status: 'fail',
      files: fstab(''),
      params: {path: '/tmp', options: ['nodev']},
      evidence: ["/tmp is not a mount of its own (it lives on its parent's filesystem)"],
    },
    {
      name: '/var/tmp options only on a separate /var/tmp',
      status: 'not-applicable',
      files: fstab(''),
      params: {path: '/var/tmp', options: ['nodev'], ifSeparate: true},
    },
    {
      name: 'no separate /var/log',
      status: 'fail',
      files: fstab('tmpfs /tmp tmpfs defaults 0 0'),
      params: {path: '/var/log'},
    },
    {
      name: 'an unreadable fstab: no verdict, not "not mounted"',
      status: 'error',
      files: {...fstab(''), '/etc/fstab': {dir: 0o755}},
      params: {path: '/var/tmp', options: ['nodev'], ifSeparate: true},
      reason: /cannot read \/etc\/fstab/,
    },
  ],
  invalidParams: [{}, {path: 'tmp'}, {path: '/tmp', options: ['exec']}, {path: '/tmp/'}],
})

it('the fixes of all three /tmp rules append the same fstab line once', async () => {
  const lines = new Set<string>()
  for (const option of ['nodev', 'nosuid', 'noexec']) {
    const out = await runCase(check, {
      name: option,
      files: fstab(''),
      params: {path: '/tmp', options: [option as 'nodev']},
    })
    for (const edit of out.fix?.edits ?? []) if (edit.op === 'append') lines.add(edit.line)
  }
  expect([...lines]).toEqual(['tmpfs /tmp tmpfs rw,nosuid,nodev,noexec,relatime,mode=1777 0 0'])
})

it('mountinfo: per-mount options of the top mount, escaped blanks decoded', () => {
  const text = [
    '22 1 0:21 / /tmp rw,relatime shared:5 - tmpfs tmpfs rw',
    '23 22 0:22 / /tmp rw,nosuid,nodev shared:6 - tmpfs tmpfs rw,size=10k',
    '24 1 0:23 / /mnt/a\\040b ro - ext4 /dev/sda1 rw',
    'garbage',
  ].join('\n')
  const mounts = parseMountinfo(text)
  expect(mounts.get('/tmp')).toEqual(['rw', 'nosuid', 'nodev'])
  expect(mounts.get('/mnt/a b')).toEqual(['ro'])
  expect(mounts.size).toBe(2)
})

it('the running host: /proc/self/mountinfo is read', async () => {
  const out = await runCase(check, {name: 'live /', live: true, params: {path: '/proc'}})
  expect(out.status).toBe('pass')
  expect(out.evidence[0]).toMatch(/^\/proc: .*\(\/proc\/self\/mountinfo\)$/)
})
