import {mkdir, symlink} from 'node:fs/promises'
import {join} from 'node:path'

import {check} from '../../../../src/audit/checks/kernel-module-disabled.js'
import {checkTester, denied} from '../../../helpers/check-tester.js'

const files = {'/etc/modprobe.d/x.conf': 'install usb-storage /bin/false\ninstall firewire_core /usr/bin/true\n'}
const notDisabled = (m: string) =>
  `${m} is not disabled in modprobe.d (only \`install ${m} /bin/false\` stops an explicit load)`

checkTester.run(check, {
  valid: [
    {
      name: 'install /bin/false or /usr/bin/true, - and _ alike',
      files,
      params: {modules: ['usb_storage', 'firewire-core']},
      evidenceCount: 2,
    },
    {
      name: 'a vendor file in /lib/modprobe.d that /etc does not replace',
      files: {'/lib/modprobe.d/cramfs.conf': 'install cramfs false\n', '/etc/modprobe.d/other.conf': 'options x y=1\n'},
      params: {modules: ['cramfs']},
      evidence: ['cramfs disabled (/lib/modprobe.d/cramfs.conf: install cramfs false)'],
    },
  ],
  invalid: [
    {
      name: 'the package that would make it not applicable is absent',
      status: 'fail',
      files: {...files, '/var/lib/dpkg/status': 'Package: lynis\nStatus: install ok installed\nVersion: 3\n'},
      params: {modules: ['squashfs'], unlessInstalled: ['snapd']},
      evidence: [notDisabled('squashfs')],
    },
    {
      name: 'snapd installed: squashfs is needed',
      status: 'not-applicable',
      files: {...files, '/var/lib/dpkg/status': 'Package: snapd\nStatus: install ok installed\nVersion: 2\n'},
      params: {modules: ['squashfs'], unlessInstalled: ['snapd']},
      reason: 'snapd is installed and needs squashfs',
    },
    {
      name: 'the package database is unreadable: no verdict',
      status: 'error',
      files,
      facts: {packages: {source: 'dpkg', packages: new Map(), unreadable: [denied('/var/lib/dpkg/status')]}},
      params: {modules: ['squashfs'], unlessInstalled: ['snapd']},
    },
    {
      name: 'a module that is not disabled',
      status: 'fail',
      files,
      params: {modules: ['usb-storage', 'cramfs']},
      evidence: [notDisabled('cramfs'), /^usb_storage disabled/],
    },
    {
      name: 'blacklist alone: an explicit modprobe still loads it',
      status: 'fail',
      files: {'/etc/modprobe.d/x.conf': 'blacklist cramfs\n'},
      params: {modules: ['cramfs']},
      evidence: [notDisabled('cramfs')],
    },
    {
      name: 'an install command that loads the module after all',
      status: 'fail',
      files: {'/etc/modprobe.d/x.conf': 'install cramfs /sbin/modprobe --ignore-install cramfs; /bin/true\n'},
      params: {modules: ['cramfs']},
      evidence: [notDisabled('cramfs')],
    },
    {
      name: 'a no-op install line and another that loads it',
      status: 'fail',
      files: {
        '/etc/modprobe.d/a.conf': 'install cramfs /bin/false\n',
        '/etc/modprobe.d/b.conf': 'install cramfs /sbin/insmod x\n',
      },
      params: {modules: ['cramfs']},
      evidence: [notDisabled('cramfs')],
    },
    {
      name: 'a /usrfalse-like command is not /usr/bin/false',
      status: 'fail',
      files: {'/etc/modprobe.d/x.conf': 'install cramfs /usrfalse\n'},
      params: {modules: ['cramfs']},
      evidence: [notDisabled('cramfs')],
    },
    {
      name: 'an /etc file of the same name replaces the vendor file that disabled it',
      status: 'fail',
      files: {'/lib/modprobe.d/cramfs.conf': 'install cramfs /bin/false\n', '/etc/modprobe.d/cramfs.conf': '# local\n'},
      params: {modules: ['cramfs']},
      evidence: [notDisabled('cramfs')],
    },
    {
      name: 'an /etc link to /dev/null masks the vendor file',
      status: 'fail',
      files: {'/usr/lib/modprobe.d/cramfs.conf': 'install cramfs /bin/false\n'},
      setup: async (root) => {
        await mkdir(join(root, 'etc/modprobe.d'), {recursive: true})
        await symlink('/dev/null', join(root, 'etc/modprobe.d/cramfs.conf'))
      },
      params: {modules: ['cramfs']},
      evidence: [notDisabled('cramfs')],
    },
  ],
  invalidParams: [{modules: []}, {modules: ['a b']}],
})
