import {check} from '../../../../src/audit/checks/time-sync.js'
import {checkTester} from '../../../helpers/check-tester.js'

// A live host without systemd as PID 1 (a container): the daemon must run.
const noSystemd = {installed: true, running: false, units: [], masked: [], unreadable: []}
const chronyd = {pid: 7, comm: 'chronyd', args: ['/usr/sbin/chronyd'], uid: 0, environment: null}

checkTester.run(check, {
  valid: [
    {
      name: 'a time sync unit enabled under the root',
      files: {
        '/lib/systemd/system/systemd-timesyncd.service': '[Service]\nExecStart=/lib/systemd/systemd-timesyncd\n',
        '/etc/systemd/system/sysinit.target.wants/systemd-timesyncd.service': {
          link: '/lib/systemd/system/systemd-timesyncd.service',
        },
      },
      evidence: ['systemd-timesyncd.service is enabled'],
    },
    {
      name: 'a running daemon on a live host without systemd',
      live: true,
      facts: {systemd: noSystemd, processes: [chronyd]},
      evidence: ['chronyd is running (pid 7)'],
    },
  ],
  invalid: [
    {
      name: 'no daemon on a live host without systemd',
      status: 'fail',
      live: true,
      facts: {systemd: noSystemd, processes: []},
    },
    {name: 'no time sync unit enabled', status: 'fail', files: {'/lib/systemd/system/chrony.service': '[Service]\n'}},
  ],
})
