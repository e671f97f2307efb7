import {check} from '../../../../src/audit/checks/kernel-module-disabled.js'
import {checkTester} from '../../../helpers/check-tester.js'

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
      name: 'a module that is not disabled',
      status: 'fail',
      files,
      params: {modules: ['usb-storage', 'cramfs']},
      evidence: ['cramfs is not disabled in modprobe.d', /^usb_storage disabled/],
    },
  ],
  invalidParams: [{modules: []}, {modules: ['a b']}],
})
