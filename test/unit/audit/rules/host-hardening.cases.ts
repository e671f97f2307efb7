import type {RuleCaseTable} from '../../../helpers/rule-tester.js'

const debian = {'/etc/os-release': 'ID=debian\nVERSION_ID="12"\n'}
const dpkg = (names: string[]) =>
  names.map((n) => `Package: ${n}\nStatus: install ok installed\nVersion: 1.0\n`).join('\n')

/** SSH and host hardening: the rules' crafted roots (see rule-cases.test.ts). */
export const cases: RuleCaseTable = {
  'ssh-no-root-login': {
    fail: {name: 'a drop-in permits root', files: {'/etc/ssh/sshd_config': 'PermitRootLogin yes\n'}},
    pass: {name: 'PermitRootLogin no', files: {'/etc/ssh/sshd_config': 'PermitRootLogin no\n'}},
  },
  'ssh-no-password-auth': {
    fail: {name: 'the default (yes)', files: {'/etc/ssh/sshd_config': 'UsePAM yes\n'}},
    pass: {name: 'PasswordAuthentication no', files: {'/etc/ssh/sshd_config': 'PasswordAuthentication no\n'}},
  },
  'sysctl-kptr-restrict': {
    fail: {name: 'set to 0', files: {'/etc/sysctl.d/50-x.conf': 'kernel.kptr_restrict = 0\n'}},
    pass: {name: 'set to 2', files: {'/etc/sysctl.d/50-x.conf': 'kernel.kptr_restrict = 2\n'}},
  },
  'sysctl-unprivileged-bpf': {
    fail: {name: 'not set', files: {'/etc/sysctl.d/50-x.conf': 'kernel.kptr_restrict = 2\n'}},
    pass: {name: 'set to 1', files: {'/etc/sysctl.d/50-x.conf': 'kernel.unprivileged_bpf_disabled=1\n'}},
  },
  'usb-storage-disabled': {
    fail: {name: 'only blacklisted elsewhere', files: {'/etc/modprobe.d/x.conf': 'blacklist cramfs\n'}},
    pass: {name: 'install /bin/false', files: {'/etc/modprobe.d/x.conf': 'install usb-storage /bin/false\n'}},
  },
  'no-telnet-server': {
    fail: {name: 'telnetd installed', files: {...debian, '/var/lib/dpkg/status': dpkg(['telnetd'])}},
    pass: {name: 'only openssh', files: {...debian, '/var/lib/dpkg/status': dpkg(['openssh-server'])}},
  },
  'intrusion-prevention-installed': {
    fail: {name: 'only openssh', files: {...debian, '/var/lib/dpkg/status': dpkg(['openssh-server'])}},
    pass: {
      name: 'fail2ban installed',
      files: {...debian, '/var/lib/dpkg/status': dpkg(['openssh-server', 'fail2ban'])},
    },
  },
  'password-hashing-rounds': {
    fail: {name: "5000 rounds (libc's default)", files: {'/etc/login.defs': 'SHA_CRYPT_MIN_ROUNDS 5000\n'}},
    pass: {
      name: '65536 rounds',
      files: {'/etc/login.defs': '# SHA_CRYPT_MIN_ROUNDS 5000\nSHA_CRYPT_MIN_ROUNDS 65536\n'},
    },
  },
  'file-integrity-monitoring': {
    fail: {name: 'no AIDE database', files: {'/etc/aide/aide.conf': ''}},
    pass: {name: 'an AIDE database', files: {'/var/lib/aide/aide.db': 'x'}},
  },
  'default-umask-restrictive': {
    fail: {name: 'UMASK 022', files: {'/etc/login.defs': 'UMASK 022\n'}},
    pass: {name: 'UMASK 027', files: {'/etc/login.defs': 'UMASK\t027\n'}},
  },
}
