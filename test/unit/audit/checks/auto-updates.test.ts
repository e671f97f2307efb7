import {check} from '../../../../src/audit/checks/auto-updates.js'
import {checkTester} from '../../../helpers/check-tester.js'

const dpkg = 'Package: unattended-upgrades\nStatus: install ok installed\nVersion: 2.9\n'
const apt = {
  '/var/lib/dpkg/status': dpkg,
  '/etc/apt/apt.conf.d/20auto-upgrades': '// c\nAPT::Periodic::Unattended-Upgrade "1";\n',
}
const timer = '/lib/systemd/system/apt-daily-upgrade.timer'
const wants = '/etc/systemd/system/timers.target.wants/apt-daily-upgrade.timer'
const systemd = {'/lib/systemd/systemd': {content: '', mode: 0o755}, [timer]: '[Timer]\nOnCalendar=*-*-* 6:00\n'}

checkTester.run(check, {
  valid: [
    {
      name: 'unattended-upgrades configured and apt-daily-upgrade.timer enabled',
      files: {...apt, ...systemd, [wants]: {link: timer}},
    },
    {
      name: 'unattended-upgrades enabled in apt.conf.d (no systemd: cron runs apt)',
      files: {
        '/var/lib/dpkg/status': dpkg,
        '/etc/apt/apt.conf.d/20auto-upgrades': '// c\nAPT::Periodic::Unattended-Upgrade "1";\n',
      },
    },
    {
      name: 'an enabled dnf-automatic timer on a system without dpkg',
      files: {
        '/usr/lib/systemd/system/dnf-automatic.timer': '[Timer]\nOnCalendar=daily\n',
        '/etc/systemd/system/timers.target.wants/dnf-automatic.timer': {
          link: '/usr/lib/systemd/system/dnf-automatic.timer',
        },
      },
      evidence: ['dnf-automatic.timer is enabled'],
    },
  ],
  invalid: [
    {
      name: 'a masked apt-daily-upgrade.timer, even with unattended-upgrades configured',
      status: 'fail',
      files: {
        ...apt,
        ...systemd,
        '/etc/systemd/system/apt-daily-upgrade.timer': {link: '/dev/null'},
        [wants]: {link: timer},
      },
      includes: ['apt-daily-upgrade.timer is masked'],
    },
    {
      name: 'a disabled apt-daily-upgrade.timer',
      status: 'fail',
      files: {...apt, ...systemd},
      includes: ['apt-daily-upgrade.timer is not enabled'],
    },
    {
      name: 'no apt-daily-upgrade.timer on a systemd host',
      status: 'fail',
      files: {...apt, '/lib/systemd/systemd': {content: '', mode: 0o755}},
      includes: ['apt-daily-upgrade.timer is not installed'],
    },
    {
      name: 'a later apt.conf.d file turns it off',
      status: 'fail',
      files: {
        '/var/lib/dpkg/status': dpkg,
        '/etc/apt/apt.conf.d/20auto-upgrades': 'APT::Periodic::Unattended-Upgrade "1";\n',
        '/etc/apt/apt.conf.d/99-off': 'APT::Periodic::Unattended-Upgrade "0";\n',
      },
      evidence: ['APT::Periodic::Unattended-Upgrade "0" (/etc/apt/apt.conf.d/99-off)'],
    },
    {
      name: 'unattended-upgrades not installed',
      status: 'fail',
      files: {'/var/lib/dpkg/status': 'Package: vim\nStatus: install ok installed\nVersion: 9\n'},
      evidence: ['unattended-upgrades is not installed'],
    },
  ],
  invalidParams: [{enabled: true}],
})
