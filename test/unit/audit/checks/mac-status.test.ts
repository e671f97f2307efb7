import {check} from '../../../../src/audit/checks/mac-status.js'
import {checkTester, denied} from '../../../helpers/check-tester.js'

const systemd = {
  '/usr/lib/systemd/systemd': '',
  '/usr/lib/systemd/system/apparmor.service':
    '[Service]\nExecStart=/lib/apparmor/apparmor.systemd reload\n[Install]\nWantedBy=sysinit.target\n',
}
const apparmor = {
  ...systemd,
  '/usr/sbin/apparmor_parser': '',
  '/etc/systemd/system/sysinit.target.wants/apparmor.service': {link: '/usr/lib/systemd/system/apparmor.service'},
}
const profile = (flags = '') =>
  `#include <tunables/global>\n/usr/bin/man ${flags}{\n  #include <abstractions/base>\n}\n`
const rhel = {'/etc/os-release': 'ID="rocky"\nID_LIKE="rhel centos fedora"\n'}
const ollama = {
  '/etc/systemd/system/ollama.service': '[Service]\nExecStart=/usr/local/bin/ollama serve\nUser=ollama\n',
}

checkTester.run(check, {
  valid: [
    {name: 'AppArmor installed and loaded at boot', files: apparmor, params: {aspect: 'enabled'}},
    {
      name: 'every profile enforces; disabled profiles and directories do not count',
      files: {
        '/etc/apparmor.d/usr.bin.man': profile(),
        '/etc/apparmor.d/usr.sbin.cupsd': profile('flags=(complain) '),
        '/etc/apparmor.d/disable/usr.sbin.cupsd': '',
        '/etc/apparmor.d/abstractions/base': '  /etc/ld.so.cache r,\n',
      },
      params: {aspect: 'enforcing'},
      evidence: ['1 AppArmor profiles in /etc/apparmor.d, all enforcing'],
    },
    {
      name: 'SELinux enforcing on a RHEL-family root',
      files: {...rhel, '/etc/selinux/config': 'SELINUX=enforcing\nSELINUXTYPE=targeted\n'},
      params: {aspect: 'enforcing'},
    },
    {
      name: 'SELinux permissive counts as enabled',
      files: {...rhel, '/etc/selinux/config': 'SELINUX=permissive\n'},
      params: {aspect: 'enabled'},
    },
    {
      name: 'the inference unit names its AppArmor profile',
      files: {
        ...systemd,
        '/etc/systemd/system/ollama.service':
          '[Service]\nExecStart=/usr/local/bin/ollama serve\nAppArmorProfile=ollama\n',
      },
      params: {aspect: 'inference-confined'},
      evidence: ['ollama (/etc/systemd/system/ollama.service) is confined by ollama'],
    },
    {
      name: 'a profile attaches to the inference binary',
      files: {...systemd, ...ollama, '/etc/apparmor.d/ollama': 'profile ollama /usr/local/bin/ollama {\n}\n'},
      params: {aspect: 'inference-confined'},
    },
  ],
  invalid: [
    {
      name: 'not installed, not enabled',
      status: 'fail',
      files: systemd,
      params: {aspect: 'enabled'},
      evidence: [
        'AppArmor is not installed (no apparmor_parser)',
        'apparmor.service is not enabled: no profiles are loaded at boot',
      ],
    },
    {
      name: 'apparmor=0 on the kernel command line',
      status: 'fail',
      files: {...apparmor, '/etc/default/grub': 'GRUB_CMDLINE_LINUX="quiet apparmor=0"\n'},
      params: {aspect: 'enabled'},
      evidence: ['the kernel command line turns AppArmor off (apparmor=0)'],
    },
    {
      name: 'a profile in complain mode, one forced to complain',
      status: 'fail',
      files: {
        '/etc/apparmor.d/usr.bin.man': profile('flags=(attach_disconnected,complain) '),
        '/etc/apparmor.d/usr.bin.x': profile(),
        '/etc/apparmor.d/usr.bin.y': profile(),
        '/etc/apparmor.d/force-complain/usr.bin.y': '',
      },
      params: {aspect: 'enforcing'},
      includes: [
        '2 of 3 AppArmor profiles in /etc/apparmor.d do not enforce',
        '/etc/apparmor.d/usr.bin.man is not enforcing',
      ],
    },
    {
      name: 'more profiles than are read: no verdict (one past the limit could be in complain mode)',
      status: 'error',
      files: Object.fromEntries(Array.from({length: 2001}, (_, i) => [`/etc/apparmor.d/usr.bin.p${i}`, profile()])),
      params: {aspect: 'enforcing'},
      reason: /\/etc\/apparmor\.d.*more than 2000 entries/,
    },
    {
      name: 'no profiles at all',
      status: 'fail',
      files: apparmor,
      params: {aspect: 'enforcing'},
      evidence: ['no AppArmor profiles in /etc/apparmor.d'],
    },
    {
      name: 'SELinux permissive is not enforcing',
      status: 'fail',
      files: {...rhel, '/etc/selinux/config': 'SELINUX=permissive\n'},
      params: {aspect: 'enforcing'},
    },
    {
      name: 'SELinux enforcing but enforcing=0 on the kernel command line',
      status: 'fail',
      files: {
        ...rhel,
        '/etc/selinux/config': 'SELINUX=enforcing\n',
        '/etc/default/grub': 'GRUB_CMDLINE_LINUX_DEFAULT="enforcing=0"\n',
      },
      params: {aspect: 'enforcing'},
    },
    {
      name: 'an unconfined inference unit',
      status: 'fail',
      files: {...systemd, ...ollama, '/etc/apparmor.d/other': 'profile x /usr/bin/x {\n}\n'},
      params: {aspect: 'inference-confined'},
      evidence: ['ollama (/etc/systemd/system/ollama.service) runs unconfined'],
    },
    {name: 'no inference service', status: 'not-applicable', files: systemd, params: {aspect: 'inference-confined'}},
    {
      name: 'an unreadable os-release: no verdict',
      status: 'error',
      files: apparmor,
      facts: {os: {id: null, idLike: [], versionId: null, prettyName: null, unreadable: [denied('/etc/os-release')]}},
      params: {aspect: 'enabled'},
      reason: /cannot read \/etc\/os-release/,
    },
  ],
  invalidParams: [{}, {aspect: 'on'}],
})
