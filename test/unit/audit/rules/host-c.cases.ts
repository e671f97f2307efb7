import type {RootSpec} from '../../../helpers/rootfs.js'
import type {RuleCaseTable} from '../../../helpers/rule-tester.js'

const STACK =
  'password requisite pam_pwquality.so retry=3\npassword [success=1 default=ignore] pam_unix.so use_authtok yescrypt\n'
const pwquality = (conf: string, stack = STACK): RootSpec => ({
  '/etc/pam.d/common-password': stack,
  '/etc/security/pwquality.conf': conf,
})
const dpkg = (...names: string[]): RootSpec => ({
  '/var/lib/dpkg/status': names.map((n) => `Package: ${n}\nStatus: install ok installed\nVersion: 1.0\n`).join('\n'),
  '/etc/os-release': 'ID=debian\nVERSION_CODENAME=bookworm\n',
})
const sshd = (text: string): RootSpec => ({'/etc/ssh/sshd_config': text})

/** Password quality, idle shells, core dumps, APT security source, AIDE, SSH access (see rule-cases.test.ts). */
export const cases: RuleCaseTable = {
  'password-quality-length': {
    fail: {name: 'pam_pwquality without minlen (default 8)', files: pwquality('# minlen = 14\n')},
    pass: {name: 'minlen = 14', files: pwquality('minlen = 14\n')},
  },
  'password-quality-classes': {
    fail: {name: 'minclass = 2', files: pwquality('minclass = 2\n')},
    pass: {name: 'minclass = 4 (stricter)', files: pwquality('minclass = 4\n')},
  },
  'password-quality-root': {
    fail: {name: 'enforce_for_root absent', files: pwquality('minlen = 14\nminclass = 3\n')},
    pass: {name: 'enforce_for_root set', files: pwquality('minlen = 14\nenforce_for_root\n')},
  },
  'shell-timeout': {
    fail: {
      name: 'a later profile.d script sets an hour',
      files: {
        '/etc/profile.d/10-tmout.sh': 'TMOUT=900\nreadonly TMOUT\nexport TMOUT\n',
        '/etc/profile.d/90-x.sh': 'TMOUT=3600\n',
      },
    },
    pass: {name: 'TMOUT=600, readonly and exported', files: {'/etc/profile': 'readonly TMOUT=600\nexport TMOUT\n'}},
  },
  'root-path-integrity': {
    fail: {name: "root's .profile puts . first", files: {'/root/.profile': 'PATH=.:$PATH\n'}},
    pass: {
      name: '$HOME/bin and root-owned 0755 directories',
      files: {'/root/.profile': 'PATH="$HOME/bin:/usr/local/sbin:$PATH"\n', '/usr/local/sbin': {dir: 0o755}},
    },
  },
  'core-dumps-hard-limit': {
    fail: {
      name: 'a later limits.d file allows unlimited',
      files: {
        '/etc/security/limits.conf': '* hard core 0\n',
        '/etc/security/limits.d/99-x.conf': '* hard core unlimited\n',
      },
    },
    pass: {name: '* hard core 0', files: {'/etc/security/limits.d/llmsec-core.conf': '* hard core 0\n'}},
  },
  'apt-security-source': {
    fail: {
      name: 'the security line is commented out',
      files: {
        ...dpkg('bash'),
        '/etc/apt/sources.list':
          'deb http://deb.debian.org/debian bookworm main\n#deb http://security.debian.org/debian-security bookworm-security main\n',
      },
    },
    pass: {
      name: 'a deb822 security stanza',
      files: {
        ...dpkg('bash'),
        '/etc/apt/sources.list.d/debian.sources':
          'Types: deb\nURIs: http://deb.debian.org/debian-security\nSuites: bookworm-security\nComponents: main\n',
      },
    },
  },
  'aide-installed': {
    fail: {name: 'aide-common alone', files: dpkg('aide-common')},
    pass: {name: 'aide installed', files: dpkg('aide', 'aide-common')},
  },
  'ssh-access-list': {
    fail: {name: 'AllowUsers *', files: sshd('AllowUsers *\n')},
    pass: {name: 'AllowGroups sshusers', files: sshd('AllowGroups sshusers\n')},
  },
  'ssh-second-factor': {
    fail: {name: 'the default (any)', files: sshd('# AuthenticationMethods publickey,keyboard-interactive\n')},
    pass: {
      name: 'publickey,keyboard-interactive',
      files: sshd('AuthenticationMethods publickey,keyboard-interactive\n'),
    },
  },
}
