import {check} from '../../../../src/audit/checks/log-forwarding.js'
import {checkTester, denied} from '../../../helpers/check-tester.js'

const systemd = {
  '/usr/lib/systemd/systemd': '',
  '/usr/lib/systemd/system/rsyslog.service':
    '[Service]\nExecStart=/usr/sbin/rsyslogd -n\n[Install]\nWantedBy=multi-user.target\n',
  '/usr/lib/systemd/system/systemd-journal-upload.service':
    '[Service]\nExecStart=/lib/systemd/systemd-journal-upload\n[Install]\nWantedBy=multi-user.target\n',
}
const enable = (unit: string) => ({
  [`/etc/systemd/system/multi-user.target.wants/${unit}`]: {link: `/usr/lib/systemd/system/${unit}`},
})
const rsyslog = '*.*;auth,authpriv.none -/var/log/syslog\n# *.* @@old:514\n'

checkTester.run(check, {
  valid: [
    {
      name: 'rsyslog @@host in a drop-in, enabled',
      files: {
        ...systemd,
        ...enable('rsyslog.service'),
        '/etc/rsyslog.conf': rsyslog,
        '/etc/rsyslog.d/60-fw.conf': '*.* @@logs.example.org:6514\n',
      },
      evidence: ['rsyslog forwards to /etc/rsyslog.d/60-fw.conf: logs.example.org'],
    },
    {
      name: 'an omfwd action',
      files: {
        ...systemd,
        ...enable('rsyslog.service'),
        '/etc/rsyslog.conf': 'action(type="omfwd" target="10.0.0.5" port="514" protocol="tcp")\n',
      },
    },
    {
      name: 'journal-upload with a URL, enabled',
      files: {
        ...systemd,
        ...enable('systemd-journal-upload.service'),
        '/etc/systemd/journal-upload.conf': '[Upload]\nURL=https://logs:19532\n',
      },
    },
    {
      name: 'syslog-ng network destination (no systemd)',
      files: {'/etc/syslog-ng/syslog-ng.conf': 'destination d_net { network("10.1.1.1" port(514)); };\n'},
    },
  ],
  invalid: [
    {
      name: 'only local files and a commented forward',
      status: 'fail',
      files: {...systemd, ...enable('rsyslog.service'), '/etc/rsyslog.conf': rsyslog},
      evidence: ['no rsyslog, syslog-ng or journal-upload configuration forwards logs to another host'],
    },
    {
      name: 'configured, but the service is not enabled',
      status: 'fail',
      files: {...systemd, '/etc/rsyslog.d/60-fw.conf': '*.* @10.0.0.5\n'},
      includes: ['rsyslog is configured to forward but rsyslog.service is not enabled'],
    },
    {
      name: 'an unreadable unit directory: no verdict',
      status: 'error',
      files: {'/etc/rsyslog.conf': '*.* @@logs:514\n'},
      facts: {
        systemd: {installed: true, running: false, units: [], masked: [], unreadable: [denied('/etc/systemd/system')]},
      },
      reason: /cannot read \/etc\/systemd\/system/,
    },
  ],
  invalidParams: [{target: 'x'}],
})
