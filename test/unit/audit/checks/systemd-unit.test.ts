import {check} from '../../../../src/audit/checks/systemd-unit.js'
import {checkTester} from '../../../helpers/check-tester.js'

const files = {
  '/lib/systemd/systemd': '',
  '/lib/systemd/system/chrony.service': '[Service]\nExecStart=/usr/sbin/chronyd\n',
  '/lib/systemd/system/apport.service': '[Service]\nExecStart=/usr/bin/apport\n',
  '/etc/systemd/system/multi-user.target.wants/chrony.service': {link: '/lib/systemd/system/chrony.service'},
}

checkTester.run(check, {
  valid: [
    {
      name: 'enabled through a .wants symlink',
      files,
      params: {units: ['chronyd.service', 'chrony.service'], state: 'enabled'},
      location: '/lib/systemd/system/chrony.service',
    },
    {
      name: 'a unit that is not enabled, with state: disabled',
      files,
      params: {units: ['apport.service'], state: 'disabled'},
    },
    {
      name: 'active on the running host',
      live: true,
      params: {units: ['chrony.service'], state: 'active'},
      // This test host may have no systemd as PID 1: the facts say it runs.
      facts: {
        systemd: {installed: true, running: true, units: [], masked: [], unreadable: []},
        'systemd.active': new Set(['chrony.service']),
      },
    },
  ],
  invalid: [
    {
      name: 'installed but not enabled',
      status: 'fail',
      files,
      params: {units: ['apport.service'], state: 'enabled'},
      evidence: ['apport.service is installed but not enabled'],
    },
    {
      name: 'an enabled unit with state: disabled',
      status: 'fail',
      files,
      params: {units: ['chrony.service'], state: 'disabled'},
    },
    {
      name: '"active" under --root (the reason comes from the fact)',
      status: 'not-applicable',
      files,
      params: {units: ['chrony.service'], state: 'active'},
      reason: /--root/,
    },
  ],
  invalidParams: [
    {units: ['chrony'], state: 'enabled'},
    {units: ['a.service'], state: 'running'},
  ],
})
