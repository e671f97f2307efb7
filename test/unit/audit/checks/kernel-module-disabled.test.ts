import {check} from '../../../../src/audit/checks/kernel-module-disabled.js'
import {checkTester, denied} from '../../../helpers/check-tester.js'

const files = {'/etc/modprobe.d/x.conf': 'install usb-storage /bin/false\nblacklist firewire_core\n'}

checkTester.run(check, {
  valid: [
    {
      name: 'install /bin/false and blacklist, - and _ alike',
      files,
      params: {modules: ['usb_storage', 'firewire-core']},
      evidenceCount: 2,
    },
  ],
  invalid: [
    {
      name: 'the package that would make it not applicable is absent',
      status: 'fail',
      files: {...files, '/var/lib/dpkg/status': 'Package: lynis\nStatus: install ok installed\nVersion: 3\n'},
      params: {modules: ['squashfs'], unlessInstalled: ['snapd']},
      evidence: ['squashfs is not disabled in modprobe.d'],
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
      evidence: ['cramfs is not disabled in modprobe.d', /^usb_storage disabled/],
    },
  ],
  invalidParams: [{modules: []}, {modules: ['a b']}],
})
