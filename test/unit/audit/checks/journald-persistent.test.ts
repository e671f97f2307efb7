import {check} from '../../../../src/audit/checks/journald-persistent.js'
import {checkTester} from '../../../helpers/check-tester.js'

// appliesWhen systemd: under --root, systemd must be installed.
const systemd = {'/lib/systemd/systemd': ''}

checkTester.run(check, {
  valid: [
    {
      name: 'Storage=auto with /var/log/journal',
      files: {...systemd, '/etc/systemd/journald.conf': '[Journal]\n#Storage=auto\n', '/var/log/journal': {dir: 0o755}},
    },
  ],
  invalid: [
    {
      name: 'a drop-in overrides the main file',
      status: 'fail',
      files: {
        ...systemd,
        '/etc/systemd/journald.conf': '[Journal]\nStorage=persistent\n',
        '/etc/systemd/journald.conf.d/volatile.conf': '[Journal]\nStorage=volatile\n',
      },
      evidence: [/^Storage=volatile \(\/etc\/systemd\/journald\.conf\.d\/volatile\.conf\)/],
    },
    {
      name: 'a vendor drop-in later in name order wins over an earlier /etc one',
      status: 'fail',
      files: {
        ...systemd,
        '/etc/systemd/journald.conf.d/10-persist.conf': '[Journal]\nStorage=persistent\n',
        '/usr/lib/systemd/journald.conf.d/zz-volatile.conf': '[Journal]\nStorage=volatile\n',
        '/var/log/journal': {dir: 0o755},
      },
      evidence: [/^Storage=volatile \(\/usr\/lib\/systemd\/journald\.conf\.d\/zz-volatile\.conf\)/],
    },
    {
      name: 'without systemd',
      status: 'not-applicable',
      files: {'/etc/systemd/journald.conf': '[Journal]\nStorage=persistent\n'},
      reason: 'systemd is not installed under the root',
    },
  ],
})
